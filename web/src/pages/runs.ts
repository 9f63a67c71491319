/**
 * /runs: every training run (newest first) with its test metrics, a chart
 * comparing the finished ones, the experiments' tables, and a form that starts a run. The form asks
 * for the API token and keeps it in this tab's sessionStorage only.
 * /runs?compare=3,5,8 overlays those runs' validation curves (the runs are
 * picked with the table's checkboxes).
 */
import * as Plot from "@observablehq/plot";
import { experimentsSection, fetchExperiments } from "../runs/experiments";
import { overlaidCurvesPlot } from "../runs/plots";
import { fetchRun, fetchRuns, startRun, type RunSummary, type TrainRequest } from "../runs/queries";
import { readToken, saveToken } from "../runs/token";
import { csvLink } from "../ui/csv";
import { formatNumber, h, showError } from "../ui/dom";

const OPTIONS = {
  kind: ["GBDT", "DECISION_TREE", "CNN"],
  modality: ["SPECTRUM", "IMAGE", "EARLY_FUSION", "LATE_FUSION"],
  features: ["ENGINEERED", "RAW"],
};

export async function renderRunsPage(app: HTMLElement): Promise<void> {
  const [runs, experiments] = await Promise.all([fetchRuns(), fetchExperiments()]);
  const compare = (new URL(location.href).searchParams.get("compare") ?? "").split(",").filter((id) => /^\d+$/.test(id)).slice(0, 12);
  app.replaceChildren(
    h("h1", {}, "Training runs"),
    trainForm(),
    h("h2", {}, "Runs"),
    runs.length === 0 ? h("p", { class: "muted" }, "No run yet.") : runsTable(runs, new Set(compare)),
    await overlay(compare),
    comparison(runs),
    experimentsSection(experiments),
  );
  app.dataset.ready = "true";
}

/** The HyperparameterGrid field of a learner kind, as the server names it (schema/Hyperparameters.ts). */
const gridField = (kind: string) => kind.toLowerCase().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** The chosen runs' validation curves on one chart, or nothing when none is chosen. */
async function overlay(ids: string[]): Promise<HTMLElement> {
  if (ids.length === 0) return h("div");
  const runs = await Promise.all(ids.map((id) => fetchRun(id)));
  const withCurves = runs.filter((run) => run.curves && run.curves.length > 0);
  return h("section", { "aria-labelledby": "overlay-title" }, h("h2", { id: "overlay-title" }, `Learning curves of runs ${ids.join(", ")}`),
    withCurves.length === 0
      ? h("p", { class: "muted" }, "None of these runs has learning curves yet (decision trees have none).")
      : overlaidCurvesPlot(withCurves.map((run) => ({ id: run.id, label: `run ${run.id} (${run.spec.kind}, ${run.spec.modality})`, curves: run.curves! }))));
}

function select(name: string, values: string[]): HTMLSelectElement {
  return h("select", { name, id: `train-${name}` }, ...values.map((v) => h("option", { value: v }, v)));
}

function trainForm(): HTMLElement {
  const token = h("input", { type: "password", name: "token", id: "train-token", autocomplete: "off", value: readToken(), required: true });
  const number = (name: string, value: number, min: number, max: number) => h("input", { type: "number", name, id: `train-${name}`, value, min, max, required: true });
  const grid = h("input", { type: "text", name: "grid", id: "train-grid", placeholder: '{"numLeaves": [15, 31]}', style: "width:16rem" });
  const message = h("div", { id: "train-message", "aria-live": "polite" });
  const form = h("form", { class: "inline", id: "train-form", "aria-label": "Start a training run" },
    h("label", {}, "learner", select("kind", OPTIONS.kind)),
    h("label", {}, "modality", select("modality", OPTIONS.modality)),
    h("label", {}, "features", select("features", OPTIONS.features)),
    h("label", {}, "image zoom", number("imageZoom", 3, 0, 4)),
    h("label", {}, "spectrum zoom", number("spectrumZoom", 3, 0, 4)),
    h("label", {}, "folds", number("folds", 5, 2, 20)),
    h("label", {}, "seed", number("seed", 0, 0, 2 ** 31 - 1)),
    h("label", {}, "grid (JSON, optional)", grid),
    h("label", {}, "API token (kept in this tab only)", token),
    h("button", { type: "submit" }, "Start training"),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    message.replaceChildren();
    try {
      const input: TrainRequest = {
        kind: String(data.get("kind")), modality: String(data.get("modality")), features: String(data.get("features")),
        imageZoom: Number(data.get("imageZoom")), spectrumZoom: Number(data.get("spectrumZoom")), folds: Number(data.get("folds")), seed: Number(data.get("seed")),
      };
      const gridText = String(data.get("grid") ?? "").trim();
      // The typed @oneOf grid: the field named after the learner (GBDT → gbdt, DECISION_TREE → decisionTree).
      if (gridText) input.grid = { [gridField(input.kind)]: JSON.parse(gridText) as Record<string, unknown[]> };
      saveToken(String(data.get("token")));
      const run = await startRun(input, String(data.get("token")));
      location.assign(`/runs/${run.id}`);
    } catch (error) {
      showError(message, error);
    }
  });
  return h("section", { "aria-labelledby": "train-title" }, h("h2", { id: "train-title" }, "Start a run"),
    h("p", { class: "muted" }, "Mutations need the server's API token (printed at start when API_TOKEN is unset). The token stays in this browser tab's session storage."),
    form, message);
}

function runsTable(runs: RunSummary[], chosen: Set<string>): HTMLElement {
  const boxes = runs.map((run) => h("input", { type: "checkbox", name: "compare", value: run.id, checked: chosen.has(run.id), "aria-label": `compare run ${run.id}` }));
  const button = h("button", { type: "button", id: "compare-runs" }, "Overlay the checked runs' curves");
  button.addEventListener("click", () => {
    const ids = boxes.filter((box) => box.checked).map((box) => box.value);
    const url = new URL(location.href);
    if (ids.length > 0) url.searchParams.set("compare", ids.join(","));
    else url.searchParams.delete("compare");
    location.assign(url.toString());
  });
  return h("div", {}, h("table", { class: "data", id: "runs-table" },
    h("thead", {}, h("tr", {}, ...["compare", "run", "status", "progress", "learner", "modality", "features", "zooms", "folds", "test R²", "test RMSE", "coverage ±1σ", "predictor"].map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, ...runs.map((run, k) => h("tr", { "data-id": run.id },
      h("td", {}, boxes[k]),
      h("td", { class: "left" }, h("a", { href: `/runs/${run.id}` }, `run ${run.id}`)),
      h("td", { class: "left" }, run.status),
      h("td", {}, `${(run.progress * 100).toFixed(0)} %`),
      h("td", { class: "left" }, run.spec.kind), h("td", { class: "left" }, run.spec.modality), h("td", { class: "left" }, run.spec.features),
      h("td", {}, `${run.spec.imageZoom}, ${run.spec.spectrumZoom}`), h("td", {}, String(run.folds)),
      h("td", {}, formatNumber(run.metrics?.r2, 3)), h("td", {}, formatNumber(run.metrics?.rmse, 3)), h("td", {}, formatNumber(run.metrics?.coverage1Sigma, 3)),
      h("td", { class: "left" }, run.predictor ? run.predictor.name : "–"))))), button);
}

function comparison(runs: RunSummary[]): HTMLElement {
  const done = runs.filter((run) => run.metrics !== null).map((run) => ({
    run: `run ${run.id} (${run.spec.kind}, ${run.spec.modality})`, rmse: run.metrics!.rmse, r2: run.metrics!.r2, nmad: run.metrics!.nmad, coverage: run.metrics!.coverage1Sigma,
  }));
  if (done.length === 0) return h("div");
  const long = done.flatMap((d) => [{ run: d.run, metric: "RMSE (dex)", value: d.rmse }, { run: d.run, metric: "NMAD (dex)", value: d.nmad }, { run: d.run, metric: "R²", value: d.r2 ?? Number.NaN }]);
  const plot = Plot.plot({
    width: 760, height: 60 + 26 * done.length, marginLeft: 260,
    fx: { label: null }, y: { label: null }, x: { grid: true, label: null },
    marks: [Plot.dot(long, { fx: "metric", y: "run", x: "value", fill: "#1f5fa8", r: 4 }), Plot.ruleX([0])],
  });
  return h("section", {}, h("h2", {}, "Comparison of finished runs (test split)"),
    h("figure", { class: "plot", role: "img", id: "runs-comparison", "aria-label": done.map((d) => `${d.run}: RMSE ${d.rmse.toFixed(3)}, R² ${formatNumber(d.r2, 3)}`).join("; ") }, plot,
      h("figcaption", {}, csvLink("runs.csv", "metrics (CSV)", ["run", "rmse", "nmad", "r2", "coverage1Sigma"], () => done.map((d) => [d.run, d.rmse, d.nmad, d.r2, d.coverage])))));
}
