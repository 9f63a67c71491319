import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";

export enum IngestSource {
  SDSS = "sdss",
  HISSCUBE = "hisscube",
}
registerEnumType(IngestSource, {
  name: "IngestSource",
  description: "What an ingest reads: SDSS spec/frame files with MPA-JHU labels, or a HiSS-Cube machine-learning cube (.h5).",
});

export enum IngestJobStatus {
  QUEUED = "QUEUED",
  RUNNING = "RUNNING",
  SUCCEEDED = "SUCCEEDED",
  FAILED = "FAILED",
}
registerEnumType(IngestJobStatus, {
  name: "IngestJobStatus",
  description: "Lifecycle of an ingest job: QUEUED → RUNNING → SUCCEEDED | FAILED. A job whose server stopped is queued again and resumes (ingest is idempotent).",
});

@InputType({ description: "Server-side files to ingest: absolute paths on the server (inside INGEST_ROOT when it is set)." })
export class IngestFilesInput {
  @Field(() => IngestSource)
  source!: IngestSource;

  @Field(() => String, { nullable: true, description: "SDSS: the folder of spec-PLATE-MJD-FIBER.fits files (required for SDSS)." })
  spectra?: string;

  @Field(() => String, { nullable: true, description: "SDSS: the folder of frame-BAND-RUN-CAMCOL-FIELD.fits.bz2 files (optional: without it, no images)." })
  frames?: string;

  @Field(() => [String], { nullable: true, description: "SDSS: the MPA-JHU gal_info and gal_totsfr FITS files, in that order (optional: the SFR labels)." })
  sfr?: string[];

  @Field(() => String, { nullable: true, description: "HISSCUBE: the HiSS-Cube .h5 file (required for HISSCUBE)." })
  path?: string;
}

@ObjectType({ description: "A file or target an ingest passed over, and why." })
export class IngestSkip {
  @Field(() => String)
  file!: string;

  @Field(() => String)
  reason!: string;
}

@ObjectType({ description: "What a finished ingest did." })
export class IngestReport {
  @Field(() => Int, { description: "Spectra read (HiSS-Cube: the spectra its targets were made from)." })
  spectraRead!: number;

  @Field(() => Int, { description: "Objects found (repeat spectra within 1″ are one object)." })
  objects!: number;

  @Field(() => Int, { description: "New galaxies." })
  inserted!: number;

  @Field(() => Int, { description: "Objects already catalogued that took new observations (a repeat spectrum, an image)." })
  merged!: number;

  @Field(() => Int, { description: "Objects whose observations were all recorded already (a rerun)." })
  alreadyPresent!: number;

  @Field(() => Int)
  batches!: number;

  @Field(() => Int, { description: "Cube shard files written." })
  shards!: number;

  @Field(() => Float, { description: "Bytes of cube written." })
  bytes!: number;

  @Field(() => Int)
  withImage!: number;

  @Field(() => Int)
  withSfrLabel!: number;

  @Field(() => [IngestSkip])
  skipped!: IngestSkip[];
}

@ObjectType({ description: "An ingest the server runs (the ingestFiles mutation, or the CLI handing its work to a running server)." })
export class IngestJob {
  @Field(() => ID)
  id!: string;

  @Field(() => IngestJobStatus)
  status!: IngestJobStatus;

  @Field(() => IngestSource)
  source!: IngestSource;

  @Field(() => [String], { description: "The server-side paths it reads." })
  paths!: string[];

  @Field(() => String, { nullable: true, description: "The stage running now or last: spectra, resolve, fields, objects." })
  stage!: string | null;

  @Field(() => Float, { description: "Items of the stage done." })
  done!: number;

  @Field(() => Float, { description: "Items of the stage in all." })
  total!: number;

  @Field(() => Int, { description: "Times a process started it (more than 1: resumed after a stop)." })
  attempts!: number;

  @Field(() => IngestReport, { nullable: true, description: "Set when SUCCEEDED." })
  report!: IngestReport | null;

  @Field(() => String, { nullable: true, description: "Set when FAILED: DISK_FULL, PERMISSION_DENIED, IO_ERROR, INGEST_ABANDONED or INGEST_FAILED." })
  errorCode!: string | null;

  @Field(() => String, { nullable: true, description: "Set when FAILED: what went wrong, with the path." })
  error!: string | null;

  @Field(() => Date)
  queuedAt!: Date;

  @Field(() => Date, { nullable: true })
  startedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  finishedAt!: Date | null;
}
