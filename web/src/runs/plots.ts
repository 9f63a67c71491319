/** A run's plots (Observable Plot): learning curves, predicted vs true, residual histogram, calibration. */
import * as Plot from "@observablehq/plot";
import { csvLink } from "../ui/csv";
import { h } from "../ui/dom";
import type { LearningCurve, TestPoint } from "./queries";

function figure(id: string, description: string, plot: Element, csv: HTMLAnchorElement): HTMLElement {
  return h("figure", { class: "plot", id, role: "img", "aria-label": description }, plot, h("figcaption", {}, csv));
}

export function learningCurvesPlot(curves: LearningCurve[], runId: string): HTMLElement {
  const points = curves.flatMap((curve) => curve.iteration.flatMap((iteration, k) => [
    { series: `${curve.member} fold ${curve.fold} train`, set: "train", member: curve.member, fold: curve.fold, iteration, rmse: curve.train[k] },
    ...(curve.validation[k] === null ? [] : [{ series: `${curve.member} fold ${curve.fold} validation`, set: "validation", member: curve.member, fold: curve.fold, iteration, rmse: curve.validation[k] as number }]),
  ]));
  const plot = Plot.plot({
    width: 640, height: 320, marginLeft: 56,
    x: { label: "iteration (boosting round or epoch)", tickFormat: (d: number) => (Number.isInteger(d) ? String(d) : "") },
    y: { label: "RMSE (dex)", grid: true },
    color: { domain: ["train", "validation"], range: ["#1f5fa8", "#b3261e"], legend: true },
    marks: [Plot.line(points, { x: "iteration", y: "rmse", z: "series", stroke: "set", strokeOpacity: 0.8, className: "curve-lines" })],
  });
  const last = curves.map((c) => `${c.member} fold ${c.fold}: ${c.iteration.length} iterations, train ${c.train[c.train.length - 1]?.toFixed(3)}`).join("; ");
  const shown = figure("learning-curves", `Learning curves, RMSE per iteration, train and validation per fold. ${last}`, plot,
    csvLink(`run-${runId}-curves.csv`, "curves (CSV)", ["member", "fold", "iteration", "set", "rmse_dex"], () => points.map((p) => [p.member, p.fold, p.iteration, p.set, p.rmse])));
  // Iterations reported so far over every fold (it grows while the run is RUNNING).
  shown.dataset.iterations = String(curves.reduce((sum, c) => sum + c.iteration.length, 0));
  return shown;
}

export function scatterPlot(points: TestPoint[], runId: string): HTMLElement {
  const values = points.flatMap((p) => [p.label, p.value]);
  const domain: [number, number] = [Math.min(...values) - 0.2, Math.max(...values) + 0.2];
  const plot = Plot.plot({
    width: 420, height: 420, marginLeft: 56,
    x: { label: "MPA-JHU log SFR (label)", domain }, y: { label: "predicted log SFR", domain, grid: true },
    marks: [
      Plot.line([domain.map((v) => [v, v])].flat(), { stroke: "#777", strokeDasharray: "4,3" }),
      Plot.ruleX(points, { x: "label", y1: (p: TestPoint) => p.value - p.sigma, y2: (p: TestPoint) => p.value + p.sigma, stroke: "#9db8d9" }),
      Plot.dot(points, { x: "label", y: "value", r: 3, fill: "#1f5fa8", className: "scatter-dots" }),
    ],
  });
  return figure("scatter", `Predicted against true log SFR for ${points.length} test galaxies, with ±1 sigma bars; the dashed line is equality.`, plot,
    csvLink(`run-${runId}-test.csv`, "test predictions (CSV)", ["galaxy_id", "label", "predicted", "sigma", "residual"], () => points.map((p) => [p.id, p.label, p.value, p.sigma, p.value - p.label])));
}

export function residualHistogram(points: TestPoint[], runId: string): HTMLElement {
  const residuals = points.map((p) => ({ residual: p.value - p.label }));
  const plot = Plot.plot({
    width: 420, height: 300, marginLeft: 48,
    x: { label: "residual, predicted − label (dex)" }, y: { label: "galaxies", grid: true },
    marks: [Plot.rectY(residuals, Plot.binX({ y: "count" }, { x: "residual", thresholds: 20 })), Plot.ruleX([0], { stroke: "#b3261e" })],
  });
  return figure("residuals", `Histogram of ${points.length} test residuals.`, plot,
    csvLink(`run-${runId}-residuals.csv`, "residuals (CSV)", ["residual_dex"], () => residuals.map((r) => [r.residual])));
}

/** Coverage of ±k sigma on the test set against the Gaussian expectation (0.683, 0.954). */
export function calibration(points: TestPoint[]): { k: number; expected: number; observed: number }[] {
  return [1, 2].map((k) => ({
    k, expected: k === 1 ? 0.6827 : 0.9545,
    observed: points.filter((p) => Math.abs(p.value - p.label) <= k * p.sigma).length / Math.max(1, points.length),
  }));
}

export function calibrationPlot(points: TestPoint[], runId: string): HTMLElement {
  const rows = calibration(points).flatMap((c) => [{ band: `±${c.k}σ`, what: "expected (Gaussian)", fraction: c.expected }, { band: `±${c.k}σ`, what: "observed on test", fraction: c.observed }]);
  const plot = Plot.plot({
    width: 360, height: 260, marginLeft: 48,
    fx: { label: null }, x: { axis: null }, y: { label: "fraction of test galaxies within", domain: [0, 1], grid: true },
    color: { domain: ["expected (Gaussian)", "observed on test"], range: ["#bbbbbb", "#1f5fa8"], legend: true },
    marks: [Plot.barY(rows, { fx: "band", x: "what", y: "fraction", fill: "what" }), Plot.text(rows, { fx: "band", x: "what", y: "fraction", text: (d: { fraction: number }) => d.fraction.toFixed(2), dy: -8 })],
  });
  return figure("calibration", `Calibration: ${rows.map((r) => `${r.band} ${r.what} ${r.fraction.toFixed(2)}`).join(", ")}.`, plot,
    csvLink(`run-${runId}-calibration.csv`, "calibration (CSV)", ["band", "what", "fraction"], () => rows.map((r) => [r.band, r.what, r.fraction])));
}

/** Mean validation RMSE over folds at each iteration (iterations some fold lacks are averaged over the folds that have them). */
export function meanValidationCurve(curves: LearningCurve[]): { iteration: number; rmse: number }[] {
  const sums = new Map<number, { total: number; count: number }>();
  for (const curve of curves) {
    curve.iteration.forEach((iteration, k) => {
      const value = curve.validation[k];
      if (value === null || !Number.isFinite(value)) return;
      const entry = sums.get(iteration) ?? { total: 0, count: 0 };
      entry.total += value;
      entry.count++;
      sums.set(iteration, entry);
    });
  }
  return [...sums.entries()].sort((a, b) => a[0] - b[0]).map(([iteration, { total, count }]) => ({ iteration, rmse: total / count }));
}

/** Several runs' validation curves (mean over folds) on one chart: the comparison view of /runs?compare=…. */
export function overlaidCurvesPlot(runs: { id: string; label: string; curves: LearningCurve[] }[]): HTMLElement {
  const points = runs.flatMap((run) => meanValidationCurve(run.curves).map((p) => ({ run: run.label, id: run.id, ...p })));
  const plot = Plot.plot({
    width: 760, height: 340, marginLeft: 56,
    x: { label: "iteration (boosting round or epoch)" },
    y: { label: "validation RMSE, mean over folds (dex)", grid: true },
    color: { legend: true },
    marks: [Plot.line(points, { x: "iteration", y: "rmse", z: "run", stroke: "run", className: "overlay-lines" })],
  });
  const ends = runs.map((run) => {
    const curve = meanValidationCurve(run.curves);
    return `${run.label}: ${curve.length} iterations, last ${curve[curve.length - 1]?.rmse.toFixed(3) ?? "–"} dex`;
  });
  return figure("runs-overlay", `Validation learning curves of ${runs.length} runs, mean over folds. ${ends.join("; ")}`, plot,
    csvLink("runs-curves.csv", "curves (CSV)", ["run_id", "iteration", "validation_rmse_dex"], () => points.map((p) => [p.id, p.iteration, p.rmse])));
}
