/**
 * The SFR panel: the MPA-JHU label with its percentiles beside every
 * predictor's value ± sigma, its kind, modality, zooms, test metrics and run.
 * Each predictor is named name@version (with its aliases); each prediction
 * shows its p16–p84 and whether the galaxy is inside the predictor's domain.
 */
import * as Plot from "@observablehq/plot";
import { csvLink } from "../ui/csv";
import { formatNumber, h } from "../ui/dom";
import type { GalaxyCard } from "./query";

export function predictionsPanel(galaxy: GalaxyCard): HTMLElement {
  const label = galaxy.sfr;
  const rows = galaxy.predictionsConnection.edges.map(({ node: p }) => ({ ...p, residual: label.avg === null ? null : p.value - label.avg }));
  const table = h("table", { class: "data", id: "predictions-table" },
    h("caption", { class: "sr-only" }, "SFR label and predictions, log10 solar masses per year"),
    h("thead", {}, h("tr", {}, ...["source", "log SFR", "± σ / range", "residual", "in domain", "kind", "modality", "features", "zooms (image, spectrum)", "test R²", "test RMSE", "coverage ±1σ"].map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {},
      h("tr", { class: "label-row" },
        h("td", { class: "left" }, "MPA-JHU label (avg)"),
        h("td", {}, formatNumber(label.avg)),
        h("td", {}, `p16–p84 ${formatNumber(label.p16)} – ${formatNumber(label.p84)}; p2.5–p97.5 ${formatNumber(label.p2p5)} – ${formatNumber(label.p97p5)}`),
        h("td", {}, ""), h("td", {}, ""), h("td", { class: "left", colspan: 7 }, `flag ${label.flag ?? "–"}`)),
      ...rows.map((p) => h("tr", {},
        h("td", { class: "left" }, p.predictor ? h("a", { href: `/runs/${p.predictor.run.id}` }, `${p.predictor.name}@${p.predictor.version}`) : "deleted predictor",
          p.predictor && p.predictor.aliases.length > 0 ? h("span", { class: "muted" }, ` (${p.predictor.aliases.join(", ")})`) : ""),
        h("td", {}, formatNumber(p.value)),
        h("td", {}, `± ${formatNumber(p.sigma)}; p16–p84 ${formatNumber(p.p16)} – ${formatNumber(p.p84)}`),
        h("td", {}, formatNumber(p.residual)),
        h("td", {}, p.inDomain ? "yes" : "no"),
        h("td", { class: "left" }, p.predictor?.spec.kind ?? ""),
        h("td", { class: "left" }, p.predictor?.spec.modality ?? ""),
        h("td", { class: "left" }, p.predictor?.spec.features ?? ""),
        h("td", {}, p.predictor ? `${p.predictor.spec.imageZoom}, ${p.predictor.spec.spectrumZoom}` : ""),
        h("td", {}, formatNumber(p.predictor?.metrics?.r2 ?? null, 3)),
        h("td", {}, formatNumber(p.predictor?.metrics?.rmse ?? null, 3)),
        h("td", {}, formatNumber(p.predictor?.metrics?.coverage1Sigma ?? null, 3)),
      )),
    ),
  );
  const section = h("section", { "aria-labelledby": "sfr-title" }, h("h2", { id: "sfr-title" }, "Star-formation rate"));
  if (rows.length === 0) section.append(h("p", { class: "muted" }, "No predictor has been trained yet: start one on the ", h("a", { href: "/runs" }, "training runs"), " page."));
  section.append(table);
  const points = [
    ...(label.avg === null ? [] : [{ name: "MPA-JHU", value: label.avg, low: label.p16 ?? label.avg, high: label.p84 ?? label.avg, kind: "label" }]),
    ...rows.map((p) => ({ name: p.predictor ? `${p.predictor.name}@${p.predictor.version}` : "?", value: p.value, low: p.value - p.sigma, high: p.value + p.sigma, kind: "prediction" })),
  ];
  if (points.length > 0) {
    const chart = Plot.plot({
      width: 640, height: 40 + 28 * points.length, marginLeft: 220,
      x: { label: "log10 SFR (M☉/yr): label p16–p84, predictions ±1σ", grid: true },
      y: { label: null, domain: points.map((p) => p.name) },
      color: { domain: ["label", "prediction"], range: ["#1a1a1a", "#b3261e"] },
      marks: [
        Plot.ruleY(points, { y: "name", x1: "low", x2: "high", stroke: "kind", strokeWidth: 2 }),
        Plot.dot(points, { y: "name", x: "value", fill: "kind", r: 4 }),
      ],
    });
    section.append(h("figure", { class: "plot", role: "img", "aria-label": points.map((p) => `${p.name} ${p.value.toFixed(2)} (${p.low.toFixed(2)} to ${p.high.toFixed(2)})`).join("; ") }, chart));
    section.append(h("p", {}, csvLink(`sfr-${galaxy.id}.csv`, "Download these numbers (CSV)", ["source", "value", "low", "high"], () => points.map((p) => [p.name, p.value, p.low, p.high]))));
  }
  return section;
}
