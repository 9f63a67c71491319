/** The spectrum panel: zoom-level selector, line windows, zoom/pan buttons, the plot, its legend and CSV. */
import { observedAngstrom, SPECTRAL_LINES } from "../../../render/spectral-lines.js";
import { decodeArray } from "../api/arrays";
import { SpectrumPlot, type SpectrumData } from "../spectrum/plot";
import type { Window } from "../spectrum/window";
import { csvLink } from "../ui/csv";
import { h } from "../ui/dom";
import type { GalaxyCard } from "./query";

export const SPECTRUM_BINS = [4620, 2310, 1155, 577, 288];

/** Rest-frame windows around line groups, for the window selector. */
const LINE_WINDOWS: { label: string; restFrom: number; restTo: number }[] = [
  { label: "[OII] 3727", restFrom: 3680, restTo: 3780 },
  { label: "Ca H & K", restFrom: 3880, restTo: 4020 },
  { label: "Hβ and [OIII]", restFrom: 4820, restTo: 5050 },
  { label: "Mg b", restFrom: 5120, restTo: 5230 },
  { label: "Na D", restFrom: 5850, restTo: 5940 },
  { label: "Hα and [NII]", restFrom: 6500, restTo: 6640 },
];

export function decodeSpectrum(spectrum: NonNullable<GalaxyCard["spectrum"]>): SpectrumData {
  return {
    wavelengthAngstrom: decodeArray(spectrum.wavelength) as Float64Array,
    flux: decodeArray(spectrum.flux) as Float32Array,
    sigma: decodeArray(spectrum.sigma) as Float32Array,
    mask: decodeArray(spectrum.mask) as Uint8Array,
    unit: spectrum.unit,
  };
}

export function spectrumPanel(galaxyId: string, spectrum: NonNullable<GalaxyCard["spectrum"]>, redshift: number, initial: Window | undefined,
  onZoomLevel: (zoom: number) => void, onWindow: (window: Window) => void): { element: HTMLElement; plot: SpectrumPlot } {
  const data = decodeSpectrum(spectrum);
  const levelSelect = h("select", { id: "spectrum-zoom", "aria-label": "Spectrum zoom level" },
    ...SPECTRUM_BINS.map((bins, zoom) => h("option", { value: zoom, selected: zoom === spectrum.zoom }, `zoom ${zoom} (${bins} bins)`)));
  levelSelect.addEventListener("change", () => onZoomLevel(Number(levelSelect.value)));
  const windowSelect = h("select", { id: "spectrum-window", "aria-label": "Wavelength window" },
    h("option", { value: "" }, "whole spectrum"),
    ...LINE_WINDOWS.map((w, k) => h("option", { value: k }, w.label)));
  const button = (label: string, title: string, action: () => void) => {
    const b = h("button", { type: "button", title }, label);
    b.addEventListener("click", action);
    return b;
  };
  const holder = h("div", { class: "spectrum-holder" });
  const element = h("section", { "aria-labelledby": "spectrum-title" },
    h("h2", { id: "spectrum-title" }, "Spectrum"),
    h("div", { class: "pager" }, levelSelect, windowSelect),
    holder,
  );
  const plot = new SpectrumPlot(holder, data, redshift, initial);
  plot.onChange = onWindow;
  windowSelect.addEventListener("change", () => {
    const choice = LINE_WINDOWS[Number(windowSelect.value)];
    plot.setWindow(windowSelect.value === "" ? plot.full : { fromAngstrom: choice.restFrom * (1 + redshift), toAngstrom: choice.restTo * (1 + redshift) });
  });
  const controls = h("div", { class: "pager" },
    button("zoom in (+)", "Zoom in on the centre", () => plot.zoom(1.5)),
    button("zoom out (−)", "Zoom out", () => plot.zoom(1 / 1.5)),
    button("◀ pan", "Pan to the blue", () => plot.pan(-0.25)),
    button("pan ▶", "Pan to the red", () => plot.pan(0.25)),
    button("reset (0)", "Whole spectrum", () => plot.setWindow(plot.full)),
    h("span", { class: "muted" }, "Wheel zooms, drag pans; focused plot: + − ← → 0."),
  );
  const legend = h("p", { class: "legend" },
    h("span", { class: "legend-swatch", style: "background:#1a1a1a" }), "flux ",
    h("span", { class: "legend-swatch", style: "background:#9db8d9" }), "±1σ ",
    h("span", { class: "legend-swatch", style: "background:#f2b8b5" }), "masked bins ",
    h("span", { class: "legend-swatch", style: "background:#b3261e" }), "emission line ",
    h("span", { class: "legend-swatch", style: "background:#1f5fa8" }), "absorption line",
  );
  const lineList = h("details", {}, h("summary", {}, `Lines at z = ${redshift.toFixed(4)}`),
    h("ul", { id: "line-list" }, ...SPECTRAL_LINES.map((line) => h("li", {}, `${line.name} (${line.kind}): rest ${line.restAngstrom} Å, observed ${observedAngstrom(line, redshift).toFixed(1)} Å`))));
  const csv = csvLink(`spectrum-${galaxyId}-zoom${spectrum.zoom}.csv`, "Download the plotted numbers (CSV)", ["wavelength_angstrom", "rest_wavelength_angstrom", "flux", "sigma", "mask"], () =>
    Array.from(data.wavelengthAngstrom, (w, i) => [w, w / (1 + redshift), data.flux[i], data.sigma[i], data.mask[i]]));
  element.append(controls, legend, lineList, h("p", {}, csv));
  return { element, plot };
}
