/**
 * /runs/{id}: one training run. While QUEUED or RUNNING it polls once a
 * second (status, progress, stage, learning curves as they grow); when
 * SUCCEEDED it shows the test-set scatter, residuals, calibration, metrics,
 * the grid's CV scores and the split sizes.
 */
import { calibrationPlot, learningCurvesPlot, residualHistogram, scatterPlot } from "../runs/plots";
import { fetchRun, fetchTestPoints, isFinished, type Run } from "../runs/queries";
import { formatNumber, h, showError } from "../ui/dom";

const POLL_MS = 1000;

export async function renderRunPage(app: HTMLElement, id: string): Promise<void> {
  const header = h("div", { id: "run-header" });
  const curves = h("div", { id: "run-curves" });
  const report = h("div", { id: "run-report" });
  app.replaceChildren(h("h1", {}, `Training run ${id}`), header, curves, report);
  let run = await fetchRun(id);
  drawHeader(header, run);
  drawCurves(curves, run);
  while (!isFinished(run)) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    run = await fetchRun(id);
    drawHeader(header, run);
    drawCurves(curves, run);
  }
  document.title = `Run ${id} (${run.status}) · skycube`;
  try {
    await drawReport(report, run);
  } catch (error) {
    showError(report, error);
  }
  app.dataset.ready = "true";
}

function drawHeader(header: HTMLElement, run: Run): void {
  header.replaceChildren(
    h("p", {}, h("strong", { id: "run-status", "data-status": run.status }, run.status), " ",
      h("progress", { max: 1, value: run.progress, "aria-label": "progress" }), ` ${(run.progress * 100).toFixed(0)} %`,
      run.stage ? ` · ${run.stage}` : "", run.iteration !== null ? ` · iteration ${run.iteration}` : ""),
    h("dl", { class: "facts" },
      ...([
        ["learner", `${run.spec.kind}, ${run.spec.modality}, ${run.spec.features} features`],
        ["zooms", `image ${run.spec.imageZoom}, spectrum ${run.spec.spectrumZoom}`],
        ["protocol", `${run.folds}-fold CV, seed ${run.seed}`],
        ["backend", run.backend ?? "–"],
        ["queued", run.timings.queuedAt],
        ["took", run.timings.totalSeconds === null ? "–" : `${run.timings.totalSeconds.toFixed(1)} s`],
        ["predictor", run.predictor ? `${run.predictor.id}: ${run.predictor.name}` : "–"],
      ] as [string, string][]).flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])),
    run.error ? h("p", { class: "error" }, run.error) : "",
  );
}

function drawCurves(target: HTMLElement, run: Run): void {
  if (!run.curves || run.curves.length === 0) {
    target.replaceChildren(h("p", { class: "muted" }, run.status === "QUEUED" ? "Waiting in the queue…" : "No learning curve yet."));
    return;
  }
  target.replaceChildren(h("h2", {}, "Learning curves"), learningCurvesPlot(run.curves, run.id));
}

async function drawReport(target: HTMLElement, run: Run): Promise<void> {
  if (run.status !== "SUCCEEDED") return;
  const parts: Node[] = [];
  const m = run.metrics;
  parts.push(h("h2", {}, "Test metrics"), h("table", { class: "data", id: "run-metrics" },
    h("thead", {}, h("tr", {}, ...["", "galaxies", "R²", "MAE", "RMSE", "NMAD", "coverage ±1σ"].map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {},
      h("tr", {}, h("th", { scope: "row", class: "left" }, "test split"), h("td", {}, String(m?.count ?? "–")), h("td", {}, formatNumber(m?.r2, 3)), h("td", {}, formatNumber(m?.mae, 3)), h("td", {}, formatNumber(m?.rmse, 3)), h("td", {}, formatNumber(m?.nmad, 3)), h("td", {}, formatNumber(m?.coverage1Sigma, 3))),
      run.cv ? h("tr", {}, h("th", { scope: "row", class: "left" }, `CV mean (${run.cv.folds} folds)`), h("td", {}, ""), h("td", {}, `${formatNumber(run.cv.r2Mean, 3)} ± ${formatNumber(run.cv.r2Std, 3)}`), h("td", {}, formatNumber(run.cv.maeMean, 3)), h("td", {}, `${formatNumber(run.cv.rmseMean, 3)} ± ${formatNumber(run.cv.rmseStd, 3)}`), h("td", {}, formatNumber(run.cv.nmadMean, 3)), h("td", {}, "")) : "")));
  if (run.split) {
    parts.push(h("p", { id: "run-split" }, `Split (seed ${run.split.seed}): train ${run.split.trainCount}, validation ${run.split.validationCount}, test ${run.split.testCount} galaxies.`));
  }
  if (run.predictor && run.split) {
    const points = await fetchTestPoints(run.predictor.id, run.split.test);
    parts.push(h("h2", {}, "On the test split"), h("div", { class: "row" }, scatterPlot(points, run.id), residualHistogram(points, run.id), calibrationPlot(points, run.id)));
  }
  if (run.grid && run.grid.length > 0) {
    const chosen = JSON.stringify(run.hyperparameters ?? {});
    parts.push(h("h2", {}, "Hyperparameter grid (cross-validation on the training part)"), h("table", { class: "data", id: "run-grid" },
      h("thead", {}, h("tr", {}, ...["member", "hyperparameters", "CV R²", "CV RMSE"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, ...run.grid.map((g) => h("tr", { class: chosen.includes(JSON.stringify(g.hyperparameters)) ? "selected" : undefined },
        h("td", { class: "left" }, g.member), h("td", { class: "left" }, JSON.stringify(g.hyperparameters)),
        h("td", {}, `${formatNumber(g.cv.r2Mean, 3)} ± ${formatNumber(g.cv.r2Std, 3)}`), h("td", {}, `${formatNumber(g.cv.rmseMean, 3)} ± ${formatNumber(g.cv.rmseStd, 3)}`))))));
  }
  if (run.members && run.members.length > 1) {
    parts.push(h("h2", {}, "Fusion members"), h("ul", {}, ...run.members.map((mm) => h("li", {}, `${mm.member}: weight ${mm.weight.toFixed(3)}, validation RMSE ${mm.validation.rmse.toFixed(3)}`))));
  }
  if (run.predictor) parts.push(h("p", {}, "Its predictions appear on every galaxy card and in the cone search: ", h("a", { href: `/?ra=0.5&dec=0&radius=2&predictor=${run.predictor.id}` }, "a cone with them"), "."));
  target.replaceChildren(...parts);
}
