import { Arg, Ctx, Query, Resolver } from "type-graphql";
import type { EmbeddingRequest } from "../models/embedding/service.js";
import type { EmbeddingRecord } from "../models/store/embeddings.js";
import { Embedding, EmbeddingInput } from "../schema/Embedding.js";
import type { Context } from "./context.js";

export function toEmbedding(e: EmbeddingRecord): Embedding {
  const input = e.input as unknown as EmbeddingRequest;
  const r = e.status === "SUCCEEDED" ? e.result : null;
  return {
    id: e.id,
    status: e.status as Embedding["status"],
    method: input.method as Embedding["method"],
    modality: input.modality as Embedding["modality"],
    zoom: input.zoom,
    features: input.features as Embedding["features"],
    first: input.first,
    seed: input.seed,
    datasetDigest: e.datasetDigest,
    count: r ? r.galaxyIds.length : null,
    columns: r ? r.columns : null,
    points: r ? r.galaxyIds.map((galaxyId, i) => ({ galaxyId, x: r.x[i], y: r.y[i], label: r.label[i] })) : [],
    correlation: r ? r.correlation : null,
    explainedVariance: r ? r.explainedVariance : null,
    seconds: r ? r.seconds : null,
    error: e.error,
    queuedAt: e.queuedAt,
    finishedAt: e.finishedAt,
  };
}

@Resolver()
export class EmbeddingResolvers {
  @Query(() => Embedding, {
    description:
      "A 2-D embedding (PCA, t-SNE or UMAP) of the first `first` labelled galaxies with the data, with each axis' Pearson correlation with the label. Computed as a job in a worker thread and cached by its input and dataset digest: the first call queues it, later calls return it (QUEUED, RUNNING, then SUCCEEDED with the points).",
  })
  async embedding(@Arg("input", () => EmbeddingInput) input: EmbeddingInput, @Ctx() context: Context): Promise<Embedding> {
    const request: EmbeddingRequest = { method: input.method, modality: input.modality, zoom: input.zoom, features: input.features, first: input.first, seed: input.seed } as EmbeddingRequest;
    return toEmbedding(await context.embeddings.request(request));
  }
}
