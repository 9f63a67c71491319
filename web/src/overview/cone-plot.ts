/**
 * The cone's galaxies on the sky (offsets from the centre in arcminutes, east
 * to the left), coloured by the predicted SFR, its sigma, the residual, or the
 * MPA-JHU label; the table's selection is ringed, and clicking a galaxy
 * selects it in the table.
 */
import * as Plot from "@observablehq/plot";
import { h } from "../ui/dom";
import type { ConeRow } from "./cone-query";

export type ColourBy = "prediction" | "sigma" | "residual" | "label";

export const COLOUR_LABELS: Record<ColourBy, string> = {
  prediction: "predicted log SFR (M☉/yr)",
  sigma: "prediction sigma (dex)",
  residual: "residual, predicted − label (dex)",
  label: "MPA-JHU log SFR (M☉/yr)",
};

export function colourValue(row: ConeRow, by: ColourBy): number | null {
  const p = row.prediction;
  switch (by) {
    case "prediction": return p ? p.value : null;
    case "sigma": return p ? p.sigma : null;
    case "residual": return p && row.sfr.avg !== null ? p.value - row.sfr.avg : null;
    case "label": return row.sfr.avg;
  }
}

export function conePlot(rows: ConeRow[], centre: { raDeg: number; decDeg: number; radiusDeg: number }, by: ColourBy, selectedId: string | null, onPick: (id: string) => void): HTMLElement {
  const cosDec = Math.cos((centre.decDeg * Math.PI) / 180);
  const offsetRa = (row: ConeRow) => ((((row.ra - centre.raDeg + 540) % 360) - 180) * cosDec * 60);
  const offsetDec = (row: ConeRow) => (row.dec - centre.decDeg) * 60;
  const coloured = rows.filter((row) => colourValue(row, by) !== null);
  const plain = rows.filter((row) => colourValue(row, by) === null);
  const selected = rows.filter((row) => row.id === selectedId);
  const svg = Plot.plot({
    width: 440, height: 440, marginLeft: 50,
    // Same scale on both axes: the cone is a circle.
    x: { label: "ΔRA cos Dec (arcmin), east ←", reverse: true, domain: [-centre.radiusDeg * 60, centre.radiusDeg * 60] },
    y: { label: "ΔDec (arcmin)", domain: [-centre.radiusDeg * 60, centre.radiusDeg * 60] },
    color: { type: by === "residual" ? "diverging" : "linear", scheme: by === "residual" ? "BuRd" : by === "sigma" ? "Oranges" : "Viridis", legend: true, label: COLOUR_LABELS[by] },
    marks: [
      Plot.dot(plain, { x: offsetRa, y: offsetDec, r: 3, stroke: "#888", fill: "white", className: "cone-dots-plain" }),
      Plot.dot(coloured, { x: offsetRa, y: offsetDec, r: 4, fill: (row: ConeRow) => colourValue(row, by), className: "cone-dots" }),
      Plot.dot(selected, { x: offsetRa, y: offsetDec, r: 9, stroke: "#b3261e", strokeWidth: 2.5, className: "cone-selected" }),
    ],
  });
  const label = (groupClass: string, list: ConeRow[]) => {
    svg.querySelectorAll(`g.${groupClass} circle`).forEach((circle, k) => {
      circle.setAttribute("data-id", list[k].id);
      circle.setAttribute("style", "cursor:pointer");
      circle.addEventListener("click", () => onPick(list[k].id));
    });
  };
  label("cone-dots", coloured);
  label("cone-dots-plain", plain);
  return h("figure", { class: "plot cone-plot", role: "img", id: "cone-plot",
    "aria-label": `${rows.length} galaxies of the cone on the sky, coloured by ${COLOUR_LABELS[by]}; ${plain.length} without a value are hollow.` }, svg);
}
