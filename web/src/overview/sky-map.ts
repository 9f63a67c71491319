/**
 * The catalogue's coverage on the sky: the MOC (GET /vo/moc, JSON, order 6
 * cells of ~0.9°) drawn on a Mollweide canvas with an RA/Dec grid, and the
 * current cone as a circle. Clicking picks a new cone centre.
 */
import { cellCentreDeg } from "../../../sky/healpix-centre.js";
import { h } from "../ui/dom";
import { inverseMollweide, mollweide, MOLLWEIDE_HALF_HEIGHT, MOLLWEIDE_HALF_WIDTH } from "./mollweide";

export const MAP_ORDER = 6;
const WIDTH = 720;
const HEIGHT = 360;

/** Order-6 cell indices of a MOC JSON ({"order": [cells]}), lower orders expanded. */
export function mocCells(moc: Record<string, number[]>, order = MAP_ORDER): number[] {
  const cells: number[] = [];
  for (const [key, list] of Object.entries(moc)) {
    const k = Number(key);
    if (k > order) {
      for (const cell of list) cells.push(Math.floor(cell / 4 ** (k - order)));
      continue;
    }
    const children = 4 ** (order - k);
    for (const cell of list) for (let c = 0; c < children; c++) cells.push(cell * children + c);
  }
  return [...new Set(cells)];
}

function toCanvas(raDeg: number, decDeg: number): [number, number] {
  const { x, y } = mollweide(raDeg, decDeg);
  return [WIDTH / 2 + (x / MOLLWEIDE_HALF_WIDTH) * (WIDTH / 2 - 4), HEIGHT / 2 - (y / MOLLWEIDE_HALF_HEIGHT) * (HEIGHT / 2 - 4)];
}

export interface Cone { raDeg: number; decDeg: number; radiusDeg: number }

export function skyMap(cells: number[], cone: Cone | null, onPick: (raDeg: number, decDeg: number) => void): HTMLElement {
  const canvas = h("canvas", { width: WIDTH, height: HEIGHT, id: "sky-map", role: "img",
    "aria-label": `Sky coverage of the catalogue, Mollweide projection centred on RA 0 (east left): ${cells.length} HEALPix order-${MAP_ORDER} cells hold galaxies. Click to centre a cone search there.` });
  const context = canvas.getContext("2d")!;
  context.fillStyle = "#f7f7f7";
  context.beginPath();
  context.ellipse(WIDTH / 2, HEIGHT / 2, WIDTH / 2 - 4, HEIGHT / 2 - 4, 0, 0, 2 * Math.PI);
  context.fill();
  context.strokeStyle = "#bbb";
  context.lineWidth = 0.6;
  const polyline = (points: [number, number][]) => {
    context.beginPath();
    points.forEach(([x, y], k) => (k === 0 ? context.moveTo(x, y) : context.lineTo(x, y)));
    context.stroke();
  };
  for (let dec = -60; dec <= 60; dec += 30) polyline(Array.from({ length: 73 }, (_, k) => toCanvas(180.001 + (k * 359.998) / 72, dec)));
  for (let ra = 0; ra < 360; ra += 60) polyline(Array.from({ length: 37 }, (_, k) => toCanvas(ra === 180 ? 179.999 : ra, -90 + k * 5)));
  context.fillStyle = "#555";
  context.font = "11px system-ui, sans-serif";
  for (const ra of [0, 60, 120, 240, 300]) {
    const [x, y] = toCanvas(ra, 0);
    context.fillText(`${ra}°`, x + 2, y - 2);
  }
  context.fillStyle = "#1f5fa8";
  for (const cell of cells) {
    const { raDeg, decDeg } = cellCentreDeg(MAP_ORDER, cell);
    const [x, y] = toCanvas(raDeg, decDeg);
    context.fillRect(x - 1.5, y - 1.5, 3, 3);
  }
  if (cone) {
    context.strokeStyle = "#b3261e";
    context.lineWidth = 2;
    const radius = Math.max(cone.radiusDeg, 1.5); // visible even for arcsecond cones
    polyline(Array.from({ length: 73 }, (_, k) => {
      const angle = (k * 5 * Math.PI) / 180;
      const dec = cone.decDeg + radius * Math.sin(angle);
      return toCanvas(cone.raDeg + (radius * Math.cos(angle)) / Math.max(0.05, Math.cos((cone.decDeg * Math.PI) / 180)), Math.max(-90, Math.min(90, dec)));
    }));
  }
  canvas.addEventListener("click", (event) => {
    const box = canvas.getBoundingClientRect();
    const px = ((event.clientX - box.left) / box.width) * WIDTH;
    const py = ((event.clientY - box.top) / box.height) * HEIGHT;
    const sky = inverseMollweide(((px - WIDTH / 2) / (WIDTH / 2 - 4)) * MOLLWEIDE_HALF_WIDTH, ((HEIGHT / 2 - py) / (HEIGHT / 2 - 4)) * MOLLWEIDE_HALF_HEIGHT);
    if (sky) onPick(sky.raDeg, sky.decDeg);
  });
  return h("figure", { class: "sky-map" }, canvas, h("figcaption", { class: "muted" }, `Coverage (MOC, HEALPix order ${MAP_ORDER}), Mollweide, RA increasing to the left. `,
    h("a", { href: `/vo/moc?order=${MAP_ORDER}&format=json` }, "MOC JSON"), " · ", h("a", { href: `/vo/moc?order=10&format=fits` }, "MOC FITS")));
}
