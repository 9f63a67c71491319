/**
 * Every setting of the server in one table: its environment variable, its
 * default and what it means. The README's configuration section and the
 * validation below are both derived from this table.
 */
import { resolve } from "node:path";

interface Setting<T> {
  env: string;
  description: string;
  default: T;
  parse: (raw: string) => T;
}

function integer(min: number, max: number) {
  return (raw: string): number => {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new Error(`must be an integer in [${min}, ${max}], got ${JSON.stringify(raw)}`);
    }
    return value;
  };
}

function positiveNumber(raw: string): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`must be a positive number, got ${JSON.stringify(raw)}`);
  return value;
}

const text = (raw: string): string => raw;

/** A PostgreSQL URL; anything else is refused now rather than failing at the first query. Never echoes the URL (it may hold a password). */
function postgresUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error("must be a postgres://user@host:port/database URL, got something that is not a URL");
  }
  if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") {
    throw new Error(`must be a postgres:// or postgresql:// URL (PostgreSQL is the only database server supported; leave it empty for the embedded PGlite), got the scheme ${JSON.stringify(url.protocol)}`);
  }
  return raw;
}

export const settingsTable = {
  port: { env: "PORT", description: "HTTP port of the server.", default: 4000, parse: integer(0, 65535) },
  host: { env: "HOST", description: "Interface to listen on.", default: "0.0.0.0", parse: text },
  dataDir: {
    env: "DATA_DIR",
    description: "Folder for the embedded database (PGlite, in pglite/) and the HDF5 cube of images and spectra (shard files in cube/shards/); one process at a time (skycube.lock).",
    default: "./.data",
    parse: text,
  },
  databaseUrl: {
    env: "DATABASE_URL",
    description: "postgres://… (or postgresql://…) URL of a real PostgreSQL server; when empty the embedded PGlite in DATA_DIR is used. Other schemes are refused at start.",
    default: "",
    parse: postgresUrl,
  },
  demoCount: {
    env: "DEMO_COUNT",
    description: "Synthetic galaxies loaded on first start when the catalogue is empty (0 disables).",
    default: 2000,
    parse: integer(0, 1_000_000),
  },
  ingestBatchSize: {
    env: "INGEST_BATCH_SIZE",
    description: "Objects an ingest reads and commits together (catalogue rows, sources and cube shards in one transaction); bounds its memory at ~0.25 MB per object.",
    default: 1000,
    parse: integer(1, 100_000),
  },
  ingestRoot: {
    env: "INGEST_ROOT",
    description: "Server-side folder the ingestFiles mutation may read from (paths outside it are refused); when empty, any absolute path the server can read (the mutation needs API_TOKEN either way).",
    default: "",
    parse: text,
  },
  ingestLogBatches: {
    env: "INGEST_LOG_BATCHES",
    description: "`1`: `ingest sdss` prints a line per committed batch (index, objects, galaxies inserted before it, its load and wall milliseconds) — for bench:scale.",
    default: 0,
    parse: integer(0, 1),
  },
  maxConeRadiusDeg: {
    env: "MAX_CONE_RADIUS_DEG",
    description: "Largest cone-search radius accepted, degrees (at most 45).",
    default: 10,
    parse: (raw: string) => {
      const value = positiveNumber(raw);
      if (value > 45) throw new Error("must be at most 45 degrees");
      return value;
    },
  },
  maxPageSize: { env: "MAX_PAGE_SIZE", description: "Cap on `first` in every connection.", default: 500, parse: integer(1, 10_000) },
  maxQueryDepth: { env: "MAX_QUERY_DEPTH", description: "Deepest GraphQL selection accepted.", default: 10, parse: integer(2, 100) },
  maxQueryComplexity: {
    env: "MAX_QUERY_COMPLEXITY",
    description: "Largest estimated query cost accepted (each field costs 1, list fields multiply by `first`).",
    default: 50_000,
    parse: integer(10, 10_000_000),
  },
  maxResponseBytes: {
    env: "MAX_RESPONSE_BYTES",
    description: "Largest estimated size of the image and spectrum arrays of one GraphQL response, bytes (elements × parts × page size; `values` ~20 bytes a number, `base64` 4/3 of the raw bytes); more is refused with QUERY_TOO_COMPLEX.",
    default: 64_000_000,
    parse: integer(1_000, 2_000_000_000),
  },
  maxQueryTokens: {
    env: "MAX_QUERY_TOKENS",
    description: "Most lexical tokens a GraphQL document may have (names, punctuation, values); more is refused with GRAPHQL_PARSE_FAILED before validation.",
    default: 10_000,
    parse: integer(100, 1_000_000),
  },
  maxBodyBytes: {
    env: "MAX_BODY_BYTES",
    description: "Largest request body accepted, bytes; more is refused with HTTP 413 and PAYLOAD_TOO_LARGE.",
    default: 1_000_000,
    parse: integer(1_000, 1_000_000_000),
  },
  maxBulkGalaxies: {
    env: "MAX_BULK_GALAXIES",
    description: "Most galaxies one bulk download (`/bulk/images`, `/bulk/spectra`) may select, by ids or in a cone; more is refused with BAD_USER_INPUT. At most 20,000 (a zoom-0 image archive of 20,000 galaxies is 3.7 GB, below the 4 GiB of a zip without ZIP64).",
    default: 10_000,
    parse: integer(1, 20_000),
  },
  mutationRateLimit: {
    env: "MUTATION_RATE_LIMIT",
    description: "Mutation requests one client (one bearer token, and separately one IP address) may send per `MUTATION_RATE_WINDOW_S`; more get HTTP 429 with Retry-After and RATE_LIMITED (0 disables).",
    default: 60,
    parse: integer(0, 1_000_000),
  },
  mutationRateWindowS: {
    env: "MUTATION_RATE_WINDOW_S",
    description: "Length of the mutation rate-limit window, seconds.",
    default: 60,
    parse: integer(1, 86_400),
  },
  apiToken: {
    env: "API_TOKEN",
    description: "Bearer token that mutations (training, prediction, deletion) require; when empty, one is generated at start and printed.",
    default: "",
    parse: (raw: string) => {
      if (raw.length < 16) throw new Error("must be at least 16 characters");
      return raw;
    },
  },
  maxGridPoints: {
    env: "MAX_GRID_POINTS",
    description: "Largest hyperparameter grid a training request may ask for (points of the Cartesian product).",
    default: 64,
    parse: integer(1, 10_000),
  },
  maxExperimentCells: {
    env: "MAX_EXPERIMENT_CELLS",
    description: "Most cells (training runs, the two reference cells included) one runExperiment may queue; the THESIS preset has 52.",
    default: 64,
    parse: integer(3, 10_000),
  },
  trainingQueue: {
    env: "TRAINING_QUEUE",
    description: "Where training runs wait: `local` (this process, one at a time), `pg-boss` (PostgreSQL only; shared with `npm run worker` processes) or `auto` (pg-boss on PostgreSQL, local on PGlite).",
    default: "auto",
    parse: (raw: string) => {
      if (!["auto", "local", "pg-boss"].includes(raw)) throw new Error("must be auto, local or pg-boss");
      return raw;
    },
  },
  trainInServer: {
    env: "TRAIN_IN_SERVER",
    description: "With pg-boss: whether the server process trains too (`false` leaves it to `npm run worker`).",
    default: "true",
    parse: (raw: string) => {
      if (!["true", "false"].includes(raw)) throw new Error("must be true or false");
      return raw;
    },
  },
  trainingThreads: {
    env: "TRAINING_THREADS",
    description: "Cores a training run may use (tree histograms are built in that many worker threads; a CNN on wasm or cpu trains data-parallel on that many, each with its own backend instance); 0 = all but one in the server, all in `npm run worker`.",
    default: 0,
    parse: integer(0, 256),
  },
  trainingStaleS: {
    env: "TRAINING_STALE_S",
    description: "Seconds without a heartbeat (one every 3 s) after which a RUNNING run's process is taken for dead: the run is marked FAILED (within this plus a third of it) and its pg-boss job failed; it is not retried.",
    default: 60,
    parse: integer(10, 86_400),
  },
  logLevel: {
    env: "LOG_LEVEL",
    description: "Level of the JSON log on stdout (one line per request, per training run): fatal, error, warn, info, debug (adds health, readiness and metrics probes) or silent.",
    default: "info",
    parse: (raw: string) => {
      if (!["fatal", "error", "warn", "info", "debug", "silent"].includes(raw)) throw new Error("must be fatal, error, warn, info, debug or silent");
      return raw;
    },
  },
  metrics: {
    env: "METRICS",
    description: "Who may read the Prometheus metrics at GET /metrics: `loopback` (clients on this machine; others need the API token), `token` (the API token always), `open` (anyone) or `off` (no route).",
    default: "loopback",
    parse: (raw: string) => {
      if (!["loopback", "token", "open", "off"].includes(raw)) throw new Error("must be loopback, token, open or off");
      return raw;
    },
  },
  nodeEnv: {
    env: "NODE_ENV",
    description: "`development` turns on stack traces in error responses.",
    default: "production",
    parse: text,
  },
  voBaseUrl: {
    env: "VO_BASE_URL",
    description: "Public base URL written in VO access URLs (e.g. https://example.org/skycube); when empty it is taken from the request (X-Forwarded-Proto/-Host, Host).",
    default: "",
    parse: text,
  },
} satisfies Record<string, Setting<unknown>>;

type Table = typeof settingsTable;
export type Settings = { [K in keyof Table]: Table[K]["default"] };

/** Reads the settings from an environment, failing with every bad value listed. */
export function loadSettings(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Settings> = {}): Settings {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, setting] of Object.entries(settingsTable) as [string, Setting<unknown>][]) {
    const raw = env[setting.env];
    if (raw === undefined || raw === "") {
      out[key] = setting.default;
      continue;
    }
    try {
      out[key] = setting.parse(raw);
    } catch (error) {
      problems.push(`${setting.env} ${(error as Error).message}`);
    }
  }
  if (problems.length > 0) throw new Error(`Bad configuration: ${problems.join("; ")}`);
  const settings = { ...(out as Settings), ...overrides };
  settings.dataDir = resolve(settings.dataDir);
  return settings;
}

/** The folder whose cube/ holds the HDF5 shards of images and spectra (beside the embedded database). */
export function cubeRootOf(settings: Settings): string {
  return settings.dataDir;
}

/** Markdown table of the settings, for the README. */
export function settingsMarkdown(): string {
  const rows = Object.values(settingsTable as Record<string, Setting<unknown>>).map(
    (s) => `| \`${s.env}\` | \`${String(s.default) || "(empty)"}\` | ${s.description} |`,
  );
  return ["| variable | default | meaning |", "|---|---|---|", ...rows].join("\n");
}
