/**
 * A predictor's model card (after Mitchell et al. 2019, "Model Cards for
 * Model Reporting"): what it predicts and in which unit, what it was trained
 * on (selection, counts, footprint, digest), how (split, hyperparameters),
 * how well (test metrics, CV spread, calibration, per-bin evaluation), and
 * where it may be asked (the applicability rules). Rendered as Markdown for
 * `/predictors/{id}/card.md`; the GraphQL `ModelCard` carries the same facts.
 */
import type { PredictorRecord } from "../store/predictors.js";
import type { RunRecord } from "../store/runs.js";
import { HIGH_PERCENTILE, LOW_PERCENTILE, MAX_MASKED_FRACTION } from "./domain.js";
import { TARGETS, targetOf } from "./target.js";
import type { ClassificationMetrics } from "../evaluation/classification-metrics.js";

export const PREDICTS = "log10 star-formation rate (MPA-JHU total SFR, AVG)";
export const UNIT = "log10(Msun/yr); sigma and percentiles in dex";

export const APPLICABILITY_RULES = [
  "out of domain when the galaxy's class is set and was not trained on",
  `out of domain when its redshift is outside the training redshifts' ${LOW_PERCENTILE}–${HIGH_PERCENTILE} percentiles`,
  `out of domain when at least max(2, 10 %) of its ENGINEERED features are outside their training ${LOW_PERCENTILE}–${HIGH_PERCENTILE} percentiles`,
  `out of domain when more than ${MAX_MASKED_FRACTION * 100} % of a needed part (image, spectrum) is masked, or the part is missing`,
  "reliable = in domain and the calibration was honest on the test part ([p16, p84] covered 68 % ± max(0.1, 2 binomial errors), [p2.5, p97.5] at least 95 % − max(0.05, 2 binomial errors))",
];

const fmt = (x: unknown) => (typeof x === "number" ? (Number.isInteger(x) ? String(x) : x.toPrecision(4)) : x === null || x === undefined ? "—" : String(x));

export function modelCardMarkdown(predictor: PredictorRecord, run: RunRecord | null, aliases: string[]): string {
  const spec = predictor.spec;
  const domain = predictor.domain;
  const dataset = (run?.dataset ?? {}) as Record<string, unknown>;
  const metrics = (run?.metrics ?? {}) as Record<string, unknown>;
  const cv = (run?.cv ?? {}) as Record<string, unknown>;
  const split = run?.split as { train?: unknown[]; validation?: unknown[]; test?: unknown[] } | null;
  const timings = (run?.timings ?? {}) as Record<string, unknown>;
  const classification = metrics.classification as ClassificationMetrics | undefined;
  const evaluation = run?.evaluation as { redshift?: Record<string, unknown>[]; rMagnitude?: Record<string, unknown>[]; healpix?: Record<string, unknown>[]; healpixOrder?: number } | null;
  const lines = [
    `# Model card: ${predictor.name}@${predictor.version}`,
    "",
    `Predictor id ${predictor.id}${aliases.length ? `, aliases ${aliases.map((a) => `\`${predictor.name}@${a}\``).join(", ")}` : ""}; trained by run ${predictor.runId} on ${predictor.createdAt.toISOString()}.`,
    "",
    "## What it predicts",
    `${TARGETS[targetOf(spec)].predicts}; unit ${TARGETS[targetOf(spec)].unit}.`,
    `Learner ${spec.kind}, modality ${spec.modality}, features ${spec.features}, image zoom ${spec.imageZoom}, spectrum zoom ${spec.spectrumZoom}.`,
    "",
    "## Training data",
    `- selection: label filter ${JSON.stringify(dataset.labelFilter ?? run?.input.labelFilter ?? null)}; ${fmt(dataset.galaxies)} galaxies with the data, ${fmt(dataset.labelled)} labelled`,
    `- split (train / validation / test): ${split ? `${split.train?.length} / ${split.validation?.length} / ${split.test?.length}` : "—"}, seed ${fmt(run?.input.seed)}, ${fmt(run?.input.folds)} folds`,
    `- redshift ${fmt(dataset.redshiftMin)}–${fmt(dataset.redshiftMax)}; label ${fmt(dataset.labelMin)}–${fmt(dataset.labelMax)}`,
    `- footprint (MOC 2.0): \`${fmt(dataset.footprintMoc)}\``,
    `- dataset digest (SHA-256 of ordered galaxy ids, labels, cube shard hashes): \`${fmt(dataset.digest)}\``,
    "",
    "## Hyperparameters",
    "```json",
    JSON.stringify(run?.hyperparameters ?? null, null, 2),
    "```",
    "",
    "## Performance (test part)",
    ...(classification
      ? classificationLines(classification, cv)
      : [`R² ${fmt(metrics.r2)}, RMSE ${fmt(metrics.rmse)}, MAE ${fmt(metrics.mae)}, NMAD ${fmt(metrics.nmad)} (${fmt(metrics.count)} galaxies; unit: ${TARGETS[targetOf(spec)].unit}); CV R² ${fmt(cv.r2Mean)} ± ${fmt(cv.r2Std)} over ${fmt(cv.folds)} folds.`]),
    "",
    "## Calibration",
    classification
      ? `Expected calibration error ${fmt(classification.expectedCalibrationError)} over 10 reliability bins, Brier score ${fmt(classification.brierScore)} (${classification.count} galaxies): ${domain?.calibration.honest ? "honest" : "NOT honest (no prediction is marked reliable)"} (honest: ECE ≤ max(0.05, 1/√n)).`
      : domain
      ? `k95 ${fmt(domain.calibration.k95)}; test coverage of [p16, p84] ${fmt(domain.calibration.testCoverage68)}, of [p2.5, p97.5] ${fmt(domain.calibration.testCoverage95)} (${domain.calibration.testCount} galaxies): ${domain.calibration.honest ? "honest" : "NOT honest (no prediction is marked reliable)"}.`
      : "Not recorded (trained before the registry).",
    "",
    "## Applicability",
    domain ? `Trained on classes ${domain.classes.join(", ") || "—"}; redshift domain ${fmt(domain.redshift?.low)}–${fmt(domain.redshift?.high)}.` : "Not recorded.",
    ...APPLICABILITY_RULES.map((r) => `- ${r}`),
    "",
    "## Evaluation by population and sky",
    ...binTable("redshift", evaluation?.redshift),
    ...binTable("r magnitude", evaluation?.rMagnitude),
    ...binTable(`HEALPix order ${fmt(evaluation?.healpixOrder)} cell`, evaluation?.healpix),
    "## Provenance",
    `Code version ${fmt(run?.codeVersion)}, backend ${fmt(run?.backend)}, training ${fmt(timings.totalSeconds)} s.`,
    "",
  ];
  return lines.join("\n");
}

/** A classifier's test metrics and confusion matrix (rows = true class). */
function classificationLines(m: ClassificationMetrics, cv: Record<string, unknown>): string[] {
  return [
    `Accuracy ${fmt(m.accuracy)}, balanced accuracy ${fmt(m.balancedAccuracy)}, macro F1 ${fmt(m.macroF1)}, log loss ${fmt(m.logLoss)} (${m.count} galaxies); CV accuracy ${fmt(cv.accuracyMean)} ± ${fmt(cv.accuracyStd)}, macro F1 ${fmt(cv.macroF1Mean)} ± ${fmt(cv.macroF1Std)} over ${fmt(cv.folds)} folds.`,
    "",
    `| true class ↓, predicted → | ${m.classes.join(" | ")} | recall |`,
    `|---|${m.classes.map(() => "---|").join("")}---|`,
    ...m.classes.map((c, t) => `| ${c} | ${m.confusion[t].join(" | ")} | ${fmt(m.perClass[t].recall)} |`),
  ];
}

function binTable(title: string, bins: Record<string, unknown>[] | undefined): string[] {
  if (!bins || bins.length === 0) return [`No ${title} bins.`, ""];
  return [
    `| ${title} | count | R² | bias | scatter |`,
    "|---|---|---|---|---|",
    ...bins.map((b) => `| ${b.cell !== undefined ? fmt(b.cell) : `${fmt(b.min)}–${fmt(b.max)}`} | ${fmt(b.count)} | ${fmt(b.r2)} | ${fmt(b.bias)} | ${fmt(b.scatter)} |`),
    "",
  ];
}
