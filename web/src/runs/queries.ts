/** Training-run queries and the mutation that starts one (public GraphQL API). */
import { graphql } from "../api/graphql";

export const RUN_FIELDS = `id status progress stage iteration spec { kind modality features imageZoom spectrumZoom } folds seed error backend codeVersion
  hyperparameters noiseVariance
  metrics { count r2 mae rmse nmad coverage1Sigma }
  cv { folds r2Mean r2Std rmseMean rmseStd maeMean nmadMean }
  grid { member hyperparameters cv { r2Mean r2Std rmseMean rmseStd } }
  curves { member fold iteration train validation }
  members { member weight validation { r2 rmse } }
  split { seed trainCount validationCount testCount test }
  timings { queuedAt startedAt finishedAt totalSeconds trainSeconds }
  predictor { id name }`;

/** The learner, inputs and target a predictor and its run share. */
export interface PredictorSpec { kind: string; modality: string; features: string; imageZoom: number; spectrumZoom: number }

export interface LearningCurve { member: string; fold: number; iteration: number[]; train: number[]; validation: (number | null)[] }
export interface Metrics { count: number; r2: number | null; mae: number; rmse: number; nmad: number; coverage1Sigma: number | null }

export interface Run {
  id: string; status: "QUEUED" | "RUNNING" | "SUCCEEDED" | "FAILED" | "CANCELLED"; progress: number; stage: string | null; iteration: number | null;
  spec: PredictorSpec; folds: number; seed: number;
  error: string | null; backend: string | null; codeVersion: string | null; hyperparameters: Record<string, unknown> | null; noiseVariance: number | null;
  metrics: Metrics | null;
  cv: { folds: number; r2Mean: number | null; r2Std: number | null; rmseMean: number | null; rmseStd: number | null; maeMean: number | null; nmadMean: number | null } | null;
  grid: { member: string; hyperparameters: Record<string, unknown>; cv: { r2Mean: number | null; r2Std: number | null; rmseMean: number | null; rmseStd: number | null } }[] | null;
  curves: LearningCurve[] | null;
  members: { member: string; weight: number; validation: { r2: number | null; rmse: number } }[] | null;
  split: { seed: number; trainCount: number; validationCount: number; testCount: number; test: string[] } | null;
  timings: { queuedAt: string; startedAt: string | null; finishedAt: string | null; totalSeconds: number | null; trainSeconds: number | null };
  predictor: { id: string; name: string } | null;
}

export const isFinished = (run: Pick<Run, "status">) => run.status === "SUCCEEDED" || run.status === "FAILED" || run.status === "CANCELLED";

export async function fetchRun(id: string): Promise<Run> {
  return (await graphql<{ trainingRun: Run }>(`query Run($id: ID!) { trainingRun(id: $id) { ${RUN_FIELDS} } }`, { id })).trainingRun;
}

export type RunSummary = Pick<Run, "id" | "status" | "progress" | "stage" | "spec" | "folds" | "metrics" | "timings" | "predictor">;

export async function fetchRuns(first = 50): Promise<RunSummary[]> {
  const data = await graphql<{ trainingRunsConnection: { edges: { node: RunSummary }[] } }>(`query Runs($first: Int!) { trainingRunsConnection(first: $first) { edges { node {
    id status progress stage spec { kind modality features imageZoom spectrumZoom } folds
    metrics { count r2 mae rmse nmad coverage1Sigma } timings { queuedAt totalSeconds } predictor { id name } } } } }`, { first });
  return data.trainingRunsConnection.edges.map((e) => e.node);
}

export interface TestPoint { id: string; label: number; value: number; sigma: number }

/** The served predictor's predictions and the labels of the run's test galaxies, in batches of aliased galaxy fields. */
export async function fetchTestPoints(predictorId: string, ids: string[], batch = 200): Promise<TestPoint[]> {
  const points: TestPoint[] = [];
  for (let start = 0; start < ids.length; start += batch) {
    const chunk = ids.slice(start, start + batch);
    const fields = chunk.map((id, k) => `g${k}: galaxy(id: "${id.replace(/\D/g, "")}") { id sfr { avg } prediction(predictor: $predictor) { value sigma } }`).join("\n");
    const data = await graphql<Record<string, { id: string; sfr: { avg: number | null }; prediction: { value: number; sigma: number } | null }>>(
      `query TestSet($predictor: ID!) { ${fields} }`, { predictor: predictorId });
    for (const galaxy of Object.values(data)) {
      if (galaxy.prediction && galaxy.sfr.avg !== null) points.push({ id: galaxy.id, label: galaxy.sfr.avg, value: galaxy.prediction.value, sigma: galaxy.prediction.sigma });
    }
  }
  return points;
}

export interface TrainRequest {
  kind: string; modality: string; features: string; imageZoom: number; spectrumZoom: number; folds: number; seed: number;
  name?: string; grid?: Record<string, Record<string, unknown[]>>;
}

export async function startRun(input: TrainRequest, token: string): Promise<{ id: string; status: string }> {
  return (await graphql<{ trainPredictor: { id: string; status: string } }>(
    `mutation Train($input: TrainPredictorInput!) { trainPredictor(input: $input) { id status } }`, { input }, token)).trainPredictor;
}
