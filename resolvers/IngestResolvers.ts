/**
 * Ingest as a job of the running server: `ingestFiles` queues it (the paths
 * checked first), `ingestJob` / `ingestJobs` follow it. All three need the
 * bearer token: a job names files on the server.
 */
import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from "type-graphql";
import { NotFoundError, UserInputError, type InputProblem } from "../errors/codes.js";
import { ingestInputProblems, type IngestInput } from "../ingest/jobs/input.js";
import { ingestJobsByIds, recentIngestJobs, type IngestJobRecord } from "../ingest/jobs/store.js";
import { IngestFilesInput, IngestJob, IngestJobStatus, IngestSource } from "../schema/IngestJob.js";
import { requireToken, type Context } from "./context.js";
import { checkId } from "./PredictorQueries.js";

/** The GraphQL input as a job's input (null when it cannot be one), and the problems with its shape. */
export function toIngestInput(input: IngestFilesInput): { job: IngestInput | null; problems: InputProblem[] } {
  const problems: InputProblem[] = [];
  const unused = (names: (keyof IngestFilesInput)[]) => {
    for (const name of names) if (input[name] != null) problems.push({ argument: name, message: `is not read by a ${input.source.toUpperCase()} ingest` });
  };
  let job: IngestInput | null = null;
  if (input.source === IngestSource.SDSS) {
    unused(["path"]);
    if (input.spectra == null) problems.push({ argument: "spectra", message: "is required for SDSS: the folder of spec-*.fits files" });
    else job = { source: "sdss", spectra: input.spectra, ...(input.frames != null && { frames: input.frames }), ...(input.sfr != null && { sfr: input.sfr as [string, string] }) };
  } else {
    unused(["spectra", "frames", "sfr"]);
    if (input.path == null) problems.push({ argument: "path", message: "is required for HISSCUBE: the .h5 file" });
    else job = { source: "hisscube", path: input.path };
  }
  return { job, problems };
}

export function toIngestJob(job: IngestJobRecord): IngestJob {
  const input = job.input;
  return {
    id: job.id,
    status: job.status as IngestJobStatus,
    source: input.source as IngestSource,
    paths: input.source === "hisscube" ? [input.path] : [input.spectra, ...(input.frames ? [input.frames] : []), ...(input.sfr ?? [])],
    stage: job.stage,
    done: job.done,
    total: job.total,
    attempts: job.attempts,
    report: job.report,
    errorCode: job.errorCode,
    error: job.error,
    queuedAt: job.queuedAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
  };
}

@Resolver()
export class IngestResolvers {
  @Mutation(() => IngestJob, {
    description:
      "Queues an ingest of files on the server and returns the job at once (QUEUED); poll `ingestJob(id)`. Jobs run one at a time in the server, " +
      "which is the one writer of its data. Paths are checked first (BAD_USER_INPUT names each bad one). Needs the bearer token.",
  })
  async ingestFiles(@Arg("input", () => IngestFilesInput) input: IngestFilesInput, @Ctx() context: Context): Promise<IngestJob> {
    requireToken(context);
    const { job, problems } = toIngestInput(input);
    if (job) problems.push(...ingestInputProblems(job, context.settings.ingestRoot));
    if (!job || problems.length > 0) throw new UserInputError(problems);
    return toIngestJob(await context.ingest.submit(job));
  }

  @Query(() => IngestJob, { description: "One ingest job; NOT_FOUND when there is none. Needs the bearer token." })
  async ingestJob(@Arg("id", () => ID) id: string, @Ctx() context: Context): Promise<IngestJob> {
    requireToken(context);
    checkId(id);
    const [job] = await ingestJobsByIds(context.db.sql, [id]);
    if (!job) throw new NotFoundError("IngestJob", id);
    return toIngestJob(job);
  }

  @Query(() => [IngestJob], { description: "The most recent ingest jobs, newest first. Needs the bearer token." })
  async ingestJobs(@Arg("first", () => Int, { defaultValue: 20 }) first: number, @Ctx() context: Context): Promise<IngestJob[]> {
    requireToken(context);
    if (!Number.isInteger(first) || first < 1 || first > 500) throw new UserInputError([{ argument: "first", message: "must be an integer in [1, 500]" }]);
    return (await recentIngestJobs(context.db.sql, first)).map(toIngestJob);
  }
}
