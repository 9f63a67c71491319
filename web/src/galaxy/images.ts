/**
 * The image panel of the galaxy card: the g, r, i composite and the five
 * bands at one zoom level (0..4) or in-between size, the mask overlay, and a
 * pixel readout (flux ± sigma per band, RA/Dec from the TAN WCS).
 */
import { pixelToSky } from "../../../sky/tan-wcs.js";
import { decodeCutout, drawBand, drawComposite, plane, type Cutout } from "../image/cutout";
import { h } from "../ui/dom";
import type { GalaxyCard } from "./query";

const DISPLAY_PX = 192;
export const ZOOM_SIZES = [64, 32, 16, 8, 4];

export interface ImageChoice {
  zoom: number;
  /** An in-between size (4..64) instead of a level, or null. */
  size: number | null;
}

export function imagePanel(image: NonNullable<GalaxyCard["image"]>, choice: ImageChoice, onChoose: (choice: ImageChoice) => void): HTMLElement {
  const cutout = decodeCutout(image);
  const showMask = h("input", { type: "checkbox", id: "show-mask", checked: true });
  const readout = h("div", { class: "readout", "aria-live": "polite", id: "pixel-readout" }, "Point at a pixel (or focus an image and use the arrow keys) for its flux, sigma and position.");
  const canvases: { canvas: HTMLCanvasElement; draw: (mask: boolean) => void }[] = [];
  const figure = (label: string, id: string, draw: (canvas: HTMLCanvasElement, mask: boolean) => void) => {
    const canvas = h("canvas", { class: "pixels", id, width: cutout.size, height: cutout.size, tabindex: 0, role: "img", "aria-label": `${label}, ${cutout.size} × ${cutout.size} pixels at ${image.pixelScale.toFixed(3)}″ per pixel, north up` });
    canvas.style.width = canvas.style.height = `${DISPLAY_PX}px`;
    canvases.push({ canvas, draw: (mask) => draw(canvas, mask) });
    return h("figure", {}, canvas, h("figcaption", {}, label));
  };
  const grid = h("div", { class: "canvas-grid" },
    figure("g, r, i composite (asinh, Lupton et al. 2004)", "image-composite", (canvas, mask) => drawComposite(canvas, cutout, mask)),
    ...cutout.bands.map((band) => figure(`${band} band`, `image-${band}`, (canvas, mask) => drawBand(canvas, cutout, band, mask))),
  );
  const redraw = () => canvases.forEach(({ draw }) => draw(showMask.checked));
  showMask.addEventListener("change", redraw);
  redraw();

  let cursor = { column: Math.floor(cutout.size / 2), row: Math.floor(cutout.size / 2) };
  const show = () => (readout.textContent = describePixel(cutout, image, cursor.column, cursor.row));
  for (const { canvas } of canvases) {
    canvas.addEventListener("mousemove", (event) => {
      const box = canvas.getBoundingClientRect();
      const column = Math.floor(((event.clientX - box.left) / box.width) * cutout.size);
      const fromTop = Math.floor(((event.clientY - box.top) / box.height) * cutout.size);
      cursor = { column: clamp(column, cutout.size), row: clamp(cutout.size - 1 - fromTop, cutout.size) };
      show();
    });
    canvas.addEventListener("keydown", (event) => {
      const moves: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
      const move = moves[event.key];
      if (!move) return;
      event.preventDefault();
      cursor = { column: clamp(cursor.column + move[0], cutout.size), row: clamp(cursor.row + move[1], cutout.size) };
      show();
    });
  }

  const levels = h("div", { role: "radiogroup", "aria-label": "Image zoom level", class: "zoom-levels" },
    ...ZOOM_SIZES.map((size, zoom) => {
      const button = h("button", { type: "button", role: "radio", "aria-checked": String(choice.size === null && choice.zoom === zoom), "data-zoom": zoom }, `zoom ${zoom} (${size} px)`);
      button.addEventListener("click", () => onChoose({ zoom, size: null }));
      return button;
    }),
  );
  const sizeInput = h("input", { type: "range", min: 4, max: 64, step: 1, value: image.size, id: "image-size", "aria-label": "In-between size, pixels per side" });
  const sizeLabel = h("output", { for: "image-size" }, `${image.size} px`);
  sizeInput.addEventListener("input", () => (sizeLabel.textContent = `${sizeInput.value} px`));
  sizeInput.addEventListener("change", () => onChoose({ zoom: choice.zoom, size: Number(sizeInput.value) }));
  return h("section", { "aria-labelledby": "images-title" },
    h("h2", { id: "images-title" }, "Images"),
    h("div", { class: "pager" }, levels),
    h("div", { class: "pager" }, h("label", { for: "image-size" }, "size "), sizeInput, sizeLabel,
      h("label", {}, showMask, " show masked pixels (magenta)"),
      h("span", { class: "muted" }, `served: zoom ${image.zoom}, ${image.size} px, ${image.pixelScale.toFixed(3)}″/px`)),
    grid,
    readout,
  );
}

function clamp(value: number, size: number): number {
  return Math.min(size - 1, Math.max(0, value));
}

function describePixel(cutout: Cutout, image: NonNullable<GalaxyCard["image"]>, column: number, row: number): string {
  const index = row * cutout.size + column;
  const bands = cutout.bands.map((band) => {
    if (plane(cutout, band, "mask")[index]) return `${band}: masked`;
    return `${band}: ${plane(cutout, band)[index].toFixed(3)} ± ${plane(cutout, band, "sigma")[index].toFixed(3)}`;
  });
  // FITS pixels are 1-based, centred on integers.
  const sky = image.wcs ? pixelToSky(image.wcs, column + 1, row + 1) : null;
  const position = sky ? `RA ${sky.raDeg.toFixed(6)}°, Dec ${sky.decDeg.toFixed(6)}°` : "no WCS";
  return `pixel (${column + 1}, ${row + 1}) · ${position} · nanomaggies ${bands.join(" · ")}`;
}
