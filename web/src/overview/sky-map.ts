/**
 * The catalogue's density on the sky: galaxies per HEALPix cell (GraphQL
 * `skyDensity`, nested, order 5 cells of ~1.8°) drawn on a Mollweide canvas
 * with a log colour scale, an RA/Dec grid, and the current cone as a circle.
 * Every canvas pixel is coloured by the cell its sky position falls in (as
 * healpy's mollview does), so cells keep their true shapes. Clicking a cell
 * fills the cone search with that cell's centre; the numbers are a CSV.
 */
import * as Plot from "@observablehq/plot";
import { ang2pix_nest } from "@hscmap/healpix";
import { cellCentreDeg } from "../../../sky/healpix-centre.js";
import { graphql } from "../api/graphql";
import { csvLink } from "../ui/csv";
import { h } from "../ui/dom";
import { inverseMollweide, mollweide, MOLLWEIDE_HALF_HEIGHT, MOLLWEIDE_HALF_WIDTH } from "./mollweide";

export const MAP_ORDER = 5;
const WIDTH = 720;
const HEIGHT = 360;
const EMPTY: [number, number, number] = [0xf2, 0xf2, 0xf2];

export interface SkyDensity { order: number; total: number; cells: { pixel: number; count: number; ra: number; dec: number }[] }

export async function fetchSkyDensity(order = MAP_ORDER): Promise<SkyDensity> {
  return (await graphql<{ skyDensity: SkyDensity }>(`query Density($order: Int!) { skyDensity(order: $order) { order total cells { pixel count ra dec } } }`, { order })).skyDensity;
}

function toCanvas(raDeg: number, decDeg: number): [number, number] {
  const { x, y } = mollweide(raDeg, decDeg);
  return [WIDTH / 2 + (x / MOLLWEIDE_HALF_WIDTH) * (WIDTH / 2 - 4), HEIGHT / 2 - (y / MOLLWEIDE_HALF_HEIGHT) * (HEIGHT / 2 - 4)];
}

function toSky(px: number, py: number): { raDeg: number; decDeg: number } | null {
  return inverseMollweide(((px - WIDTH / 2) / (WIDTH / 2 - 4)) * MOLLWEIDE_HALF_WIDTH, ((HEIGHT / 2 - py) / (HEIGHT / 2 - 4)) * MOLLWEIDE_HALF_HEIGHT);
}

/** The nested cell at `order` holding a sky position. */
function cellAt(order: number, raDeg: number, decDeg: number): number {
  return ang2pix_nest(2 ** order, ((90 - decDeg) * Math.PI) / 180, (((raDeg % 360) + 360) % 360) * (Math.PI / 180));
}

/** "#rrggbb" or "rgb(r, g, b)" (what d3's interpolators return) as numbers. */
function rgbOf(colour: string): [number, number, number] {
  if (colour.startsWith("#")) return [1, 3, 5].map((k) => parseInt(colour.slice(k, k + 2), 16)) as [number, number, number];
  const [r, g, b] = colour.match(/\d+(\.\d+)?/g)!.map(Number);
  return [r, g, b];
}

function colourScale(max: number) {
  return { type: "log" as const, scheme: "viridis" as const, domain: [1, Math.max(2, max)], label: `galaxies per order-${MAP_ORDER} cell` };
}

/** The density raster, made once per answer (the cone circle is drawn over a copy). */
const rasters = new WeakMap<SkyDensity, ImageData>();

function raster(density: SkyDensity): ImageData {
  const cached = rasters.get(density);
  if (cached) return cached;
  const counts = new Map(density.cells.map((c) => [c.pixel, c.count]));
  const scale = Plot.scale({ color: colourScale(Math.max(0, ...counts.values())) });
  const colours = new Map<number, [number, number, number]>();
  const image = new ImageData(WIDTH, HEIGHT);
  for (let py = 0; py < HEIGHT; py++) {
    for (let px = 0; px < WIDTH; px++) {
      const sky = toSky(px + 0.5, py + 0.5);
      if (!sky) continue;
      const count = counts.get(cellAt(density.order, sky.raDeg, sky.decDeg)) ?? 0;
      let rgb = colours.get(count);
      if (!rgb) colours.set(count, (rgb = count === 0 ? EMPTY : rgbOf(String(scale.apply(count)))));
      const k = 4 * (py * WIDTH + px);
      image.data.set(rgb, k);
      image.data[k + 3] = 255;
    }
  }
  rasters.set(density, image);
  return image;
}

export interface Cone { raDeg: number; decDeg: number; radiusDeg: number }

export function skyMap(density: SkyDensity, cone: Cone | null, onPick: (raDeg: number, decDeg: number) => void): HTMLElement {
  const densest = density.cells.reduce<SkyDensity["cells"][number] | null>((best, c) => (!best || c.count > best.count ? c : best), null);
  const canvas = h("canvas", { width: WIDTH, height: HEIGHT, id: "sky-map", role: "img", tabindex: 0,
    "aria-label": `Density of the catalogue on the sky, Mollweide projection centred on RA 0 (east left): ${density.total} galaxies in ${density.cells.length} HEALPix order-${density.order} cells`
      + (densest ? `, at most ${densest.count} in one cell (${densest.pixel}, centre RA ${densest.ra.toFixed(1)}°, Dec ${densest.dec.toFixed(1)}°)` : "")
      + ". The counts per cell are in the CSV. Click a cell to put its centre in the cone search." });
  const context = canvas.getContext("2d")!;
  context.putImageData(raster(density), 0, 0);
  context.strokeStyle = "rgba(0, 0, 0, 0.25)";
  context.lineWidth = 0.6;
  const polyline = (points: [number, number][]) => {
    context.beginPath();
    points.forEach(([x, y], k) => (k === 0 ? context.moveTo(x, y) : context.lineTo(x, y)));
    context.stroke();
  };
  for (let dec = -60; dec <= 60; dec += 30) polyline(Array.from({ length: 73 }, (_, k) => toCanvas(180.001 + (k * 359.998) / 72, dec)));
  for (let ra = 0; ra < 360; ra += 60) polyline(Array.from({ length: 37 }, (_, k) => toCanvas(ra === 180 ? 179.999 : ra, -90 + k * 5)));
  context.fillStyle = "#333";
  context.font = "11px system-ui, sans-serif";
  for (const ra of [0, 60, 120, 240, 300]) {
    const [x, y] = toCanvas(ra, 0);
    context.fillText(`${ra}°`, x + 2, y - 2);
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
  const counts = new Map(density.cells.map((c) => [c.pixel, c.count]));
  const readout = h("p", { id: "sky-map-readout", class: "readout", "aria-live": "polite" }, "Point at a cell for its count; click to search there.");
  const cellUnder = (event: MouseEvent) => {
    const box = canvas.getBoundingClientRect();
    const sky = toSky(((event.clientX - box.left) / box.width) * WIDTH, ((event.clientY - box.top) / box.height) * HEIGHT);
    if (!sky) return null;
    const pixel = cellAt(density.order, sky.raDeg, sky.decDeg);
    return { pixel, count: counts.get(pixel) ?? 0, centre: cellCentreDeg(density.order, pixel) };
  };
  const describe = (cell: NonNullable<ReturnType<typeof cellUnder>>) =>
    `cell ${cell.pixel} (order ${density.order}): ${cell.count} galaxies, centre RA ${cell.centre.raDeg.toFixed(4)}°, Dec ${cell.centre.decDeg.toFixed(4)}°`;
  canvas.addEventListener("mousemove", (event) => {
    const cell = cellUnder(event);
    readout.textContent = cell ? describe(cell) : "outside the sky";
  });
  canvas.addEventListener("click", (event) => {
    const cell = cellUnder(event);
    if (!cell) return;
    readout.textContent = `${describe(cell)}: its centre is in the cone search form.`;
    onPick(cell.centre.raDeg, cell.centre.decDeg);
  });
  const legend = Plot.legend({ color: colourScale(densest?.count ?? 1), width: 320 });
  const csv = csvLink(`sky-density-order${density.order}.csv`, "counts per cell (CSV)", ["healpix_order", "healpix_nested", "ra_centre_deg", "dec_centre_deg", "galaxies"],
    () => density.cells.map((c) => [density.order, c.pixel, c.ra, c.dec, c.count]));
  return h("figure", { class: "sky-map" }, canvas, legend, readout,
    h("figcaption", { class: "muted" }, `Galaxies per HEALPix order-${density.order} cell (nested, ~${(Math.sqrt(41253 / (12 * 4 ** density.order))).toFixed(1)}° across), Mollweide, RA increasing to the left; grey: none. `,
      csv, " · ", h("a", { href: `/vo/moc?order=6&format=json` }, "MOC JSON"), " · ", h("a", { href: `/vo/moc?order=10&format=fits` }, "MOC FITS")));
}
