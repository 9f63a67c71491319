/**
 * The spectrum plot (Observable Plot, SVG): flux with its ±1σ band, masked
 * bins shaded, observed wavelength below and rest-frame above, lines marked
 * at the galaxy's redshift. Wheel or +/− zoom, drag or ←/→ pan, 0 resets.
 * The y range follows the visible data and always keeps the strong
 * emission lines' peaks in view (Hα is never clipped).
 */
import * as Plot from "@observablehq/plot";
import { observedAngstrom, SPECTRAL_LINES } from "../../../render/spectral-lines.js";
import { niceTicks, panWindow, zoomWindow, type Window } from "./window";

export interface SpectrumData {
  wavelengthAngstrom: Float64Array;
  flux: Float32Array;
  sigma: Float32Array;
  mask: Uint8Array;
  unit: string;
}

const LINE_HALF_WIDTH_ANGSTROM = 8;

function percentile(sorted: number[], q: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.floor(q * (sorted.length - 1))];
}

export class SpectrumPlot {
  private window: Window;
  readonly full: Window;
  private readonly target = document.createElement("div");
  onChange: (window: Window) => void = () => {};

  constructor(readonly container: HTMLElement, readonly data: SpectrumData, readonly redshift: number, initial?: Window) {
    const w = data.wavelengthAngstrom;
    this.full = { fromAngstrom: w[0], toAngstrom: w[w.length - 1] };
    this.window = initial ? zoomWindow(initial, this.full, 1) : this.full;
    this.target.className = "plot spectrum-plot";
    this.target.tabIndex = 0;
    this.target.setAttribute("role", "img");
    container.append(this.target);
    this.listen();
    this.render();
  }

  get current(): Window {
    return this.window;
  }

  setWindow(window: Window): void {
    this.window = zoomWindow(window, this.full, 1);
    this.render();
    this.onChange(this.window);
  }

  zoom(factor: number, centreAngstrom?: number): void {
    this.setWindow(zoomWindow(this.window, this.full, factor, centreAngstrom));
  }

  pan(fraction: number): void {
    this.setWindow(panWindow(this.window, this.full, fraction));
  }

  private visibleIndices(): number[] {
    const w = this.data.wavelengthAngstrom;
    const out: number[] = [];
    for (let i = 0; i < w.length; i++) if (w[i] >= this.window.fromAngstrom && w[i] <= this.window.toAngstrom) out.push(i);
    return out;
  }

  private yDomain(indices: number[]): [number, number] {
    const { flux, sigma, mask, wavelengthAngstrom: w } = this.data;
    const good = indices.filter((i) => !mask[i] && Number.isFinite(flux[i]));
    const sorted = good.map((i) => flux[i]).sort((a, b) => a - b);
    let high = percentile(sorted, 0.995);
    for (const line of SPECTRAL_LINES) {
      if (!line.strong) continue;
      const centre = observedAngstrom(line, this.redshift);
      for (const i of good) if (Math.abs(w[i] - centre) <= LINE_HALF_WIDTH_ANGSTROM) high = Math.max(high, flux[i] + sigma[i]);
    }
    const low = Math.min(0, percentile(sorted, 0.005));
    const pad = (high - low) * 0.12 || 1;
    return [low - pad * 0.2, high + pad];
  }

  private maskRuns(indices: number[]): { x1: number; x2: number }[] {
    const { mask, wavelengthAngstrom: w } = this.data;
    const runs: { x1: number; x2: number }[] = [];
    const half = (w[1] - w[0]) / 2;
    for (const i of indices) {
      if (!mask[i]) continue;
      const last = runs[runs.length - 1];
      if (last && Math.abs(last.x2 - (w[i] - half)) < half * 0.01 + 1e-9) last.x2 = w[i] + half;
      else runs.push({ x1: w[i] - half, x2: w[i] + half });
    }
    return runs;
  }

  private render(): void {
    const { flux, sigma, wavelengthAngstrom: w } = this.data;
    const z = this.redshift;
    const indices = this.visibleIndices();
    const [yLow, yHigh] = this.yDomain(indices);
    const lines = SPECTRAL_LINES.map((line) => ({ ...line, observed: observedAngstrom(line, z) })).filter(
      (line) => line.observed >= this.window.fromAngstrom && line.observed <= this.window.toAngstrom,
    ).map((line, k) => ({ ...line, row: k % 3 })); // labels staggered in three rows so neighbours do not overlap
    const restTicks = niceTicks(this.window.fromAngstrom / (1 + z), this.window.toAngstrom / (1 + z)).map((rest) => rest * (1 + z));
    const width = Math.max(480, this.container.clientWidth || 900);
    const svg = Plot.plot({
      width,
      height: 380,
      marginTop: 62,
      marginLeft: 64,
      x: { domain: [this.window.fromAngstrom, this.window.toAngstrom], label: "observed wavelength (Å, vacuum)" },
      y: { domain: [yLow, yHigh], label: `flux (${this.data.unit})`, grid: true },
      marks: [
        Plot.rect(this.maskRuns(indices), { x1: "x1", x2: "x2", y1: yLow, y2: yHigh, fill: "#f2b8b5", fillOpacity: 0.55, className: "masked-bins" }),
        Plot.areaY(indices, { x: (i: number) => w[i], y1: (i: number) => flux[i] - sigma[i], y2: (i: number) => flux[i] + sigma[i], fill: "#9db8d9", fillOpacity: 0.6, className: "sigma-band" }),
        Plot.lineY(indices, { x: (i: number) => w[i], y: (i: number) => flux[i], stroke: "#1a1a1a", strokeWidth: 1, className: "flux-line" }),
        Plot.ruleY([0], { stroke: "#777" }),
        Plot.ruleX(lines, { x: "observed", stroke: (d) => (d.kind === "emission" ? "#b3261e" : "#1f5fa8"), strokeDasharray: "4,3", className: "line-markers" }),
        Plot.text(lines, { x: "observed", y: (d: { row: number }) => yHigh - d.row * 0.055 * (yHigh - yLow), text: "name", dy: 4, lineAnchor: "top", textAnchor: "start", dx: 3, fontSize: 11, fill: (d) => (d.kind === "emission" ? "#b3261e" : "#1f5fa8"), className: "line-labels" }),
        Plot.axisX({ anchor: "bottom", label: "observed wavelength (Å, vacuum)", labelAnchor: "center", labelArrow: "none" }),
        Plot.axisX(restTicks, { anchor: "top", tickFormat: (t: number) => String(Math.round(t / (1 + z))), label: `rest-frame wavelength (Å), z = ${z.toFixed(4)}`, labelAnchor: "center", labelArrow: "none", labelOffset: 40, className: "rest-axis" }),
        Plot.axisY({ label: `flux (${this.data.unit})`, labelAnchor: "center", labelArrow: "none" }),
      ],
    });
    // Each marker line knows its line, so tools and tests can find it.
    svg.querySelectorAll("g.line-markers line").forEach((element, k) => {
      element.setAttribute("data-line", lines[k].id);
      element.setAttribute("data-observed-angstrom", lines[k].observed.toFixed(2));
    });
    svg.setAttribute("data-window", `${this.window.fromAngstrom.toFixed(2)},${this.window.toAngstrom.toFixed(2)}`);
    this.target.setAttribute(
      "aria-label",
      `Spectrum from ${this.window.fromAngstrom.toFixed(0)} to ${this.window.toAngstrom.toFixed(0)} Å observed, flux with ±1 sigma band; lines marked: ${lines.map((l) => `${l.name} at ${l.observed.toFixed(1)} Å`).join(", ") || "none in view"}.`,
    );
    this.target.replaceChildren(svg);
  }

  private angstromAt(clientX: number): number {
    const svg = this.target.querySelector("svg");
    if (!svg) return (this.window.fromAngstrom + this.window.toAngstrom) / 2;
    const box = svg.getBoundingClientRect();
    const [left, right] = [64, box.width - 20];
    const t = Math.min(1, Math.max(0, (clientX - box.left - left) / (right - left)));
    return this.window.fromAngstrom + t * (this.window.toAngstrom - this.window.fromAngstrom);
  }

  private listen(): void {
    this.target.addEventListener("wheel", (event) => {
      event.preventDefault();
      this.zoom(event.deltaY < 0 ? 1.25 : 0.8, this.angstromAt(event.clientX));
    }, { passive: false });
    let dragFrom: number | null = null;
    this.target.addEventListener("pointerdown", (event) => {
      dragFrom = event.clientX;
      this.target.setPointerCapture(event.pointerId);
    });
    this.target.addEventListener("pointermove", (event) => {
      if (dragFrom === null) return;
      const width = this.target.getBoundingClientRect().width || 1;
      const fraction = -(event.clientX - dragFrom) / width;
      if (Math.abs(fraction) < 0.01) return;
      dragFrom = event.clientX;
      this.pan(fraction);
    });
    this.target.addEventListener("pointerup", () => (dragFrom = null));
    this.target.addEventListener("keydown", (event) => {
      const actions: Record<string, () => void> = {
        ArrowLeft: () => this.pan(-0.2), ArrowRight: () => this.pan(0.2),
        "+": () => this.zoom(1.5), "=": () => this.zoom(1.5), "-": () => this.zoom(1 / 1.5), "0": () => this.setWindow(this.full),
      };
      const action = actions[event.key];
      if (action) {
        event.preventDefault();
        action();
      }
    });
  }
}
