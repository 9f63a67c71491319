/**
 * The experiments (runExperiment) on /runs: each one's status, shared split
 * and its table, one row per cell (learner, modality, zooms, features, the
 * reference cells, test and CV metrics, its run), with the server's CSV and
 * Markdown of the same table.
 */
import { graphql } from "../api/graphql";
import { formatNumber, h } from "../ui/dom";

export const EXPERIMENTS_QUERY = `query Experiments($first: Int!) { experiments(first: $first) {
  id status progress preset seed error
  split { trainCount validationCount testCount sameForEveryCell }
  cells { run { id status } reference learner modality imageZoom spectrumZoom features metrics { r2 rmse } cv { rmseMean rmseStd } }
} }`;

interface ExperimentCell {
  run: { id: string; status: string }; reference: string | null; learner: string; modality: string; imageZoom: number | null; spectrumZoom: number | null; features: string;
  metrics: { r2: number | null; rmse: number } | null; cv: { rmseMean: number | null; rmseStd: number | null } | null;
}
export interface Experiment {
  id: string; status: string; progress: number; preset: string | null; seed: number; error: string | null;
  split: { trainCount: number; validationCount: number; testCount: number; sameForEveryCell: boolean } | null;
  cells: ExperimentCell[];
}

export async function fetchExperiments(first = 20): Promise<Experiment[]> {
  return (await graphql<{ experiments: Experiment[] }>(EXPERIMENTS_QUERY, { first })).experiments;
}

function experimentTable(experiment: Experiment): HTMLElement {
  const head = ["cell", "learner", "modality", "zooms (image, spectrum)", "features", "test R²", "test RMSE", "CV RMSE", "run"];
  return h("table", { class: "data experiment-table", id: `experiment-${experiment.id}` },
    h("caption", { class: "left" }, `Experiment ${experiment.id}${experiment.preset ? ` (${experiment.preset})` : ""}: ${experiment.status}, ${(experiment.progress * 100).toFixed(0)} %, seed ${experiment.seed}`,
      experiment.split ? `; split train ${experiment.split.trainCount}, validation ${experiment.split.validationCount}, test ${experiment.split.testCount}${experiment.split.sameForEveryCell ? ", the same for every cell" : ""}` : "", " · ",
      h("a", { href: `/experiments/${experiment.id}.csv` }, "CSV"), " · ", h("a", { href: `/experiments/${experiment.id}.md` }, "Markdown")),
    h("thead", {}, h("tr", {}, ...head.map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, ...experiment.cells.map((cell) => h("tr", { "data-run": cell.run.id },
      h("td", { class: "left" }, cell.reference ?? "grid"),
      h("td", { class: "left" }, cell.learner), h("td", { class: "left" }, cell.modality),
      h("td", {}, `${cell.imageZoom ?? "–"}, ${cell.spectrumZoom ?? "–"}`), h("td", { class: "left" }, cell.features),
      h("td", {}, formatNumber(cell.metrics?.r2 ?? null, 3)), h("td", {}, formatNumber(cell.metrics?.rmse ?? null, 3)),
      h("td", {}, cell.cv ? `${formatNumber(cell.cv.rmseMean, 3)} ± ${formatNumber(cell.cv.rmseStd, 3)}` : "–"),
      h("td", {}, h("a", { href: `/runs/${cell.run.id}` }, `${cell.run.id} (${cell.run.status})`))))));
}

export function experimentsSection(experiments: Experiment[]): HTMLElement {
  return h("section", { "aria-labelledby": "experiments-title", id: "experiments" }, h("h2", { id: "experiments-title" }, "Experiments"),
    experiments.length === 0 ? h("p", { class: "muted" }, "No experiment yet (the runExperiment mutation, or `skycube experiment`).") : "",
    ...experiments.map(experimentTable));
}
