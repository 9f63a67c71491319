/**
 * `skycube experiment`: sends runExperiment to a running server (the one
 * holding DATA_DIR, found through its lock file, or `--url` with `--token`
 * / API_TOKEN), follows its progress with a bar, and prints the table as
 * Markdown (or writes it, CSV or Markdown by the extension, with --out).
 * Interrupting the command does not stop the experiment: the server goes on.
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { LockInfo } from "../db/data-dir-lock.js";
import { Progress } from "./progress.js";

export class ExperimentCliError extends Error {
  override name = "ExperimentCliError";
}

export const EXPERIMENT_USAGE = "experiment --preset THESIS | --learners … --modalities … [options]";

export const EXPERIMENT_OPTIONS =
  "--learners GBDT,DECISION_TREE,CNN --modalities IMAGE,SPECTRUM,EARLY_FUSION,LATE_FUSION [--image-zooms 0,1,2,3] [--spectrum-zooms 3] [--features RAW,ENGINEERED] [--seed 0] [--folds 5] [--cnn COMPACT|THESIS_VGG] [--cnn-fusions CONCAT,GATED] [--exclude-blended] [--target SFR|REDSHIFT|CLASS] [--class-weights BALANCED|NONE] [--out table.md|table.csv] [--url URL --token T] [--no-wait]";

const list = (v: string | undefined) => (v === undefined ? undefined : v.split(",").map((s) => s.trim()).filter(Boolean));
const ints = (v: string | undefined, flag: string) =>
  list(v)?.map((s) => {
    if (!/^\d+$/.test(s)) throw new ExperimentCliError(`${flag}: ${JSON.stringify(s)} is not a zoom level`);
    return Number(s);
  });

function integer(v: string, flag: string): number {
  if (!/^\d+$/.test(v)) throw new ExperimentCliError(`${flag} must be a non-negative integer`);
  return Number(v);
}

/** Parses the command line into an ExperimentInput and where to send it. */
export function experimentArgs(args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      preset: { type: "string" },
      learners: { type: "string" },
      modalities: { type: "string" },
      "image-zooms": { type: "string" },
      "spectrum-zooms": { type: "string" },
      features: { type: "string" },
      seed: { type: "string", default: "0" },
      folds: { type: "string", default: "5" },
      cnn: { type: "string", default: "COMPACT" },
      "cnn-fusions": { type: "string" },
      "exclude-blended": { type: "boolean", default: false },
      target: { type: "string" },
      "class-weights": { type: "string" },
      out: { type: "string" },
      url: { type: "string" },
      token: { type: "string" },
      "no-wait": { type: "boolean", default: false },
    },
  });
  const input: Record<string, unknown> = {
    preset: values.preset,
    learners: list(values.learners),
    modalities: list(values.modalities),
    imageZooms: ints(values["image-zooms"], "--image-zooms"),
    spectrumZooms: ints(values["spectrum-zooms"], "--spectrum-zooms"),
    features: list(values.features),
    seed: integer(values.seed!, "--seed"),
    folds: integer(values.folds!, "--folds"),
    cnnArchitecture: values.cnn,
    cnnFusions: list(values["cnn-fusions"]),
    excludeBlended: values["exclude-blended"] ? true : undefined,
    target: values.target,
    classWeights: values["class-weights"],
  };
  for (const key of Object.keys(input)) if (input[key] === undefined) delete input[key];
  if (values.out !== undefined && !/\.(md|csv)$/.test(values.out)) throw new ExperimentCliError("--out must end in .md or .csv");
  return { input, out: values.out, url: values.url, token: values.token, wait: !values["no-wait"] };
}

interface Target {
  url: string;
  token: string;
}

/** Where to send it: --url/--token, else the server holding the data folder. */
export function targetOf(explicit: { url?: string; token?: string }, holder: LockInfo | null, envToken: string): Target {
  if (explicit.url) {
    const token = explicit.token ?? envToken;
    if (!token) throw new ExperimentCliError("--url needs --token (or API_TOKEN)");
    return { url: explicit.url.replace(/\/+$/, ""), token };
  }
  if (holder?.port !== undefined && holder.token !== undefined) return { url: `http://127.0.0.1:${holder.port}`, token: holder.token };
  throw new ExperimentCliError("no server holds DATA_DIR: start one (`npm start`) or give --url and --token");
}

async function call<T>(target: Target, query: string, variables: Record<string, unknown>): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${target.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${target.token}` },
      body: JSON.stringify({ query, variables }),
    });
  } catch (error) {
    throw new ExperimentCliError(`the server at ${target.url} does not answer: ${(error as Error).message}`);
  }
  const body = (await response.json().catch(() => null)) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] } | null;
  if (!body || body.errors?.length || !body.data) {
    throw new ExperimentCliError(body?.errors?.map((e) => `${e.extensions?.code ?? "ERROR"}: ${e.message}`).join("; ") ?? `HTTP ${response.status}`);
  }
  return body.data;
}

const FIELDS = "id status progress error cells { run { id } }";
type View = { id: string; status: string; progress: number; error: string | null; cells: unknown[] };

/** Runs the command; returns the experiment's final status. */
export async function runExperimentCommand(args: string[], holder: LockInfo | null, envToken: string, log = (s: string) => console.error(s)): Promise<string> {
  const options = experimentArgs(args);
  const target = targetOf(options, holder, envToken);
  let view = (await call<{ runExperiment: View }>(target, `mutation($input: ExperimentInput!) { runExperiment(input: $input) { ${FIELDS} } }`, { input: options.input })).runExperiment;
  log(`experiment ${view.id}: ${view.cells.length} cells queued (it goes on if this command is interrupted; query experiment(id: "${view.id}"))`);
  if (!options.wait) return view.status;
  const cells = view.cells.length;
  const progress = new Progress(`experiment ${view.id} (cells)`, cells);
  while (!["SUCCEEDED", "FAILED", "CANCELLED"].includes(view.status)) {
    progress.update(Math.round(view.progress * cells * 10) / 10);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    view = (await call<{ experiment: View }>(target, `query($id: ID!) { experiment(id: $id) { ${FIELDS} } }`, { id: view.id })).experiment;
  }
  progress.update(cells);
  const seconds = progress.finish();
  log(`experiment ${view.id}: ${view.status} in ${seconds.toFixed(0)} s${view.error ? ` (${view.error})` : ""}`);
  const format = options.out?.endsWith(".csv") ? "csv" : "md";
  const table = await fetch(`${target.url}/experiments/${view.id}.${format}`).then((r) => r.text());
  if (options.out) {
    writeFileSync(options.out, table);
    log(`experiment ${view.id}: table written to ${options.out}`);
  } else process.stdout.write(table);
  return view.status;
}
