/**
 * Embeddings as the API asks for them: check the request, select the
 * galaxies (the first `first` labelled galaxies, by id, that have the data
 * the modality needs), key the request by its input and the selection's
 * dataset digest, and return the cached row — or queue one and compute it
 * in a worker thread, one job at a time per process. A row that FAILED, was
 * left QUEUED by a stopped server, or left RUNNING by a process that is
 * gone (STALE_SECONDS), is computed again when asked again.
 */
import { createHash } from "node:crypto";
import { Worker } from "node:worker_threads";
import type { Database } from "../../db/database.js";
import { openCube, type CubeStore } from "../../cube/cube-store.js";
import { manifestDigests } from "../../cube/manifest.js";
import { UserInputError } from "../../errors/codes.js";
import { ZOOM_LEVELS } from "../../cube/zoom.js";
import { silentLog, type EventLog } from "../../types/event-log.js";
import { partsOf, widthOf, type FeatureKind, type FeatureSpec, type Modality } from "../features/feature-set.js";
import {
  claimEmbedding,
  embeddingById,
  failEmbedding,
  findOrQueueEmbedding,
  finishEmbedding,
  requeueEmbedding,
  type EmbeddingRecord,
} from "../store/embeddings.js";
import { loadTrainingGalaxies } from "../store/training-set.js";
import { datasetDigest } from "../training/dataset-digest.js";
import type { Problem, TrainInput } from "../training/input.js";
import { pearson, type EmbeddingMethod } from "./compute.js";
import type { EmbeddingJob } from "./worker.js";

export interface EmbeddingRequest {
  method: EmbeddingMethod;
  modality: Modality;
  /** The zoom of the image and of the spectrum. */
  zoom: number;
  features: FeatureKind;
  first: number;
  seed: number;
}

export const MIN_EMBEDDING_GALAXIES = 20;
/** Most galaxies per method: exact t-SNE (tsne-js) is O(n²) and took ~45 s for 500 here. */
export const MAX_EMBEDDING_GALAXIES: Record<EmbeddingMethod, number> = { PCA: 2000, UMAP: 2000, TSNE: 500 };
/** Most feature columns (RAW image zoom 3 + spectrum zoom 3 = 897 fit; NIPALS PCA of 2000 × 897 took ~25 s). */
export const MAX_EMBEDDING_COLUMNS = 1024;
const STALE_SECONDS = 600;
const DEFAULT_LABELS: TrainInput["labelFilter"] = { flag: 0, minAvg: null, maxAvg: null };
/** Bumped when the computation changes, so that cached rows of the old one are not served. */
const EMBEDDING_VERSION = "skycube-embedding-v1";

export function embeddingProblems(r: EmbeddingRequest): Problem[] {
  const problems: Problem[] = [];
  if (r.modality === "LATE_FUSION") problems.push({ argument: "input.modality", message: "an embedding reads one matrix: IMAGE, SPECTRUM or EARLY_FUSION (image and spectrum side by side)" });
  if (!(Number.isInteger(r.zoom) && r.zoom >= 0 && r.zoom < ZOOM_LEVELS)) problems.push({ argument: "input.zoom", message: `must be a precomputed zoom level 0..${ZOOM_LEVELS - 1}` });
  const max = MAX_EMBEDDING_GALAXIES[r.method];
  if (!(Number.isInteger(r.first) && r.first >= MIN_EMBEDDING_GALAXIES && r.first <= max)) problems.push({ argument: "input.first", message: `must be an integer in [${MIN_EMBEDDING_GALAXIES}, ${max}] for ${r.method}` });
  if (!Number.isInteger(r.seed) || r.seed < 0 || r.seed > 2 ** 31 - 1) problems.push({ argument: "input.seed", message: "must be an integer in [0, 2147483647]" });
  if (problems.length === 0) {
    const columns = columnsOf(r);
    if (columns > MAX_EMBEDDING_COLUMNS) problems.push({ argument: "input.features", message: `${r.features} ${r.modality} features at zoom ${r.zoom} have ${columns} columns, more than ${MAX_EMBEDDING_COLUMNS}: use ENGINEERED features or a coarser zoom` });
  }
  return problems;
}

function specOf(r: EmbeddingRequest): FeatureSpec {
  return { modality: r.modality, features: r.features, imageZoom: r.zoom, spectrumZoom: r.zoom };
}

export function columnsOf(r: EmbeddingRequest): number {
  const spec = specOf(r);
  return partsOf(r.modality).reduce((n, p) => n + widthOf(p, spec), 0);
}

export function embeddingKey(r: EmbeddingRequest): string {
  const canonical = JSON.stringify([EMBEDDING_VERSION, r.method, r.modality, r.zoom, r.features, r.first, r.seed]);
  return createHash("sha256").update(canonical).digest("hex");
}

export class EmbeddingService {
  private tail: Promise<void> = Promise.resolve();
  private worker: Worker | null = null;
  private stopped = false;
  /** This process's cube checked against the manifest: the shards of a selection are verified here before the worker thread reads them (verdicts kept per unchanged file). */
  private cube: Promise<CubeStore> | undefined;
  /** Rows scheduled in this process and not finished. */
  private readonly scheduled = new Set<string>();

  constructor(
    private readonly db: Database,
    private readonly cubePath: string,
    private readonly log: EventLog = silentLog,
  ) {}

  /** The cached embedding of this request on the data as it is now, queued (and started) when there is none. */
  async request(r: EmbeddingRequest): Promise<EmbeddingRecord> {
    const problems = embeddingProblems(r);
    if (problems.length > 0) throw new UserInputError(problems);
    const selection = await this.select(r);
    if (selection.ids.length < MIN_EMBEDDING_GALAXIES) {
      throw new UserInputError([{ argument: "input", message: `only ${selection.ids.length} labelled galaxies have the data ${r.modality} needs; an embedding needs at least ${MIN_EMBEDDING_GALAXIES}` }]);
    }
    const digest = datasetDigest({ galaxyIds: selection.ids, labels: selection.labels, cubeShardHashes: selection.shardHashes });
    const { record, created } = await findOrQueueEmbedding(this.db.sql, embeddingKey(r), digest, { ...r });
    // New, FAILED, stale RUNNING, or QUEUED by a process that stopped before computing it: compute it here (the claim is conditional).
    const orphan = record.status === "QUEUED" && !this.scheduled.has(record.id);
    if (created || orphan || (await requeueEmbedding(this.db.sql, record.id, STALE_SECONDS))) {
      this.schedule(record.id, r, selection);
      return (await embeddingById(this.db.sql, record.id))!;
    }
    return record;
  }

  get(id: string): Promise<EmbeddingRecord | null> {
    return embeddingById(this.db.sql, id);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.worker?.terminate();
    (await this.cube?.catch(() => undefined))?.close();
  }

  private async select(r: EmbeddingRequest) {
    const input = { modality: r.modality, dataModality: r.modality, labelFilter: DEFAULT_LABELS } as TrainInput;
    const galaxies = await loadTrainingGalaxies(this.db.sql, input);
    const rows: number[] = [];
    for (let i = 0; i < galaxies.ids.length && rows.length < r.first; i++) if (Number.isFinite(galaxies.label[i])) rows.push(i);
    return {
      ids: rows.map((i) => galaxies.ids[i]),
      labels: rows.map((i) => galaxies.label[i]),
      shardHashes: [...new Set(rows.map((i) => galaxies.cubeShardHashes[i]))].sort(),
      sources: rows.map((i) => ({ cube: { shard: galaxies.cubeShards[i], row: galaxies.cubeRows[i] }, redshift: Number.isNaN(galaxies.redshift[i]) ? null : galaxies.redshift[i] })),
    };
  }

  private schedule(id: string, r: EmbeddingRequest, selection: Awaited<ReturnType<EmbeddingService["select"]>>): void {
    this.scheduled.add(id);
    this.tail = this.tail.then(() => this.compute(id, r, selection)).catch(() => {}).finally(() => this.scheduled.delete(id));
  }

  private async compute(id: string, r: EmbeddingRequest, selection: Awaited<ReturnType<EmbeddingService["select"]>>): Promise<void> {
    if (this.stopped || !(await claimEmbedding(this.db.sql, id))) return;
    const started = Date.now();
    try {
      const job: EmbeddingJob = { sources: selection.sources, spec: specOf(r), method: r.method, seed: r.seed, cubePath: this.cubePath };
      await (await (this.cube ??= openCube(this.cubePath, { digests: manifestDigests(this.db.sql) }))).verify(selection.sources.map((s) => s.cube));
      const out = await this.inWorker(job);
      const finite = (v: number) => (Number.isFinite(v) ? v : null);
      await finishEmbedding(this.db.sql, id, {
        galaxyIds: selection.ids,
        x: Array.from(out.x),
        y: Array.from(out.y),
        label: selection.labels,
        correlation: { x: finite(pearson(out.x, selection.labels)), y: finite(pearson(out.y, selection.labels)) },
        explainedVariance: out.explainedVariance,
        columns: out.columns,
        seconds: (Date.now() - started) / 1000,
      });
      this.log.info({ event: "embedding", embeddingId: id, method: r.method, galaxies: selection.ids.length, durationS: (Date.now() - started) / 1000 }, "embedding");
    } catch (error) {
      const message = this.stopped ? "the server stopped during the computation; ask again" : (error as Error).message;
      await failEmbedding(this.db.sql, id, message).catch(() => {});
      this.log.warn({ event: "embedding", embeddingId: id, error: message }, "embedding");
    }
  }

  private inWorker(job: EmbeddingJob): Promise<{ x: Float64Array; y: Float64Array; explainedVariance: [number, number] | null; columns: number }> {
    const worker = new Worker(new URL("./worker.js", import.meta.url), { workerData: job });
    this.worker = worker;
    return new Promise<{ x: Float64Array; y: Float64Array; explainedVariance: [number, number] | null; columns: number }>((resolve, reject) => {
      worker.once("message", (m: { type: string; message?: string } & Record<string, unknown>) => {
        if (m.type === "done") resolve(m as never);
        else reject(new Error(m.message ?? "the embedding failed"));
      });
      worker.once("error", reject);
      worker.once("exit", (code) => reject(new Error(`the embedding worker exited (code ${code})`)));
    }).finally(() => {
      this.worker = null;
      void worker.terminate();
    });
  }
}
