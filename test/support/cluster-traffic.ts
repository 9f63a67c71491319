/**
 * Mixed read traffic for the cluster bench and fault tests: `connections`
 * keep-alive HTTP connections, each sending one request after another,
 * cycling through five operations — a cone search with a predictor's
 * predictions, `image(zoom: 2)`, `spectrum(zoom: 3)`, a VO Simple Cone
 * Search, and the explorer's galaxy page query — until `seconds` have
 * passed or `stop()` is called. Every request's outcome is kept: operation,
 * start and end time, and for a failure what the client saw (a GraphQL
 * code, an HTTP status, a socket error code).
 */
import { Agent, request } from "node:http";
import { CONE_QUERY_TEXT, GALAXY_CARD_QUERY_TEXT } from "../../bench/explorer-queries.js";

export const OPERATIONS = ["cone", "image", "spectrum", "scs", "galaxyPage"] as const;
export type Operation = (typeof OPERATIONS)[number];

export interface Outcome {
  op: Operation;
  /** performance.now() at send and at the last byte (or the failure). */
  start: number;
  end: number;
  /** undefined when it succeeded; else e.g. "SERVICE_UNAVAILABLE", "HTTP 502", "ECONNRESET". */
  error?: string;
}

export interface TrafficOptions {
  /** http://host:port of the proxy (or a server). */
  base: string;
  connections: number;
  seconds: number;
  /** Predictor reference (id, name@version) the cone search asks predictions of. */
  predictor: string;
  /** Galaxies to ask for: ids and positions (cone centres). */
  galaxies: { id: string; ra: number; dec: number }[];
  /** Per-request timeout, ms (default 30 s). */
  timeoutMs?: number;
}

export interface Traffic {
  outcomes: Outcome[];
  /** Resolves when every connection has finished its last request. */
  done: Promise<Outcome[]>;
  stop(): void;
}

const IMAGE_QUERY = `query Image($id: ID!) { galaxy(id: $id) { id image(zoom: 2) { size flux { base64 } sigma { base64 } mask { base64 } } } }`;
const SPECTRUM_QUERY = `query Spectrum($id: ID!) { galaxy(id: $id) { id spectrum(zoom: 3) { length wavelength { base64 } flux { base64 } sigma { base64 } mask { base64 } } } }`;

interface Built {
  method: "GET" | "POST";
  path: string;
  body?: string;
  graphql: boolean;
}

function build(op: Operation, n: number, options: TrafficOptions): Built {
  const g = options.galaxies[(n * 7919) % options.galaxies.length];
  const post = (query: string, variables: Record<string, unknown>): Built => ({ method: "POST", path: "/graphql", body: JSON.stringify({ query, variables }), graphql: true });
  switch (op) {
    case "cone":
      return post(CONE_QUERY_TEXT, { ra: g.ra, dec: g.dec, radius: 0.05, first: 50, predictor: options.predictor, withPrediction: true });
    case "image":
      return post(IMAGE_QUERY, { id: g.id });
    case "spectrum":
      return post(SPECTRUM_QUERY, { id: g.id });
    case "scs":
      return { method: "GET", path: `/vo/scs?RA=${g.ra}&DEC=${g.dec}&SR=0.05&VERB=2`, graphql: false };
    case "galaxyPage":
      return post(GALAXY_CARD_QUERY_TEXT, { id: g.id, zoom: 0, size: null, spectrumZoom: 0 });
  }
}

/** What went wrong with a completed response, or undefined. */
function judge(built: Built, status: number, body: string): string | undefined {
  if (built.graphql) {
    let parsed: { data?: unknown; errors?: { extensions?: { code?: string } }[] };
    try {
      parsed = JSON.parse(body);
    } catch {
      return `HTTP ${status} (not JSON)`;
    }
    if (parsed.errors?.length) return parsed.errors[0].extensions?.code ?? `HTTP ${status}`;
    return status === 200 && parsed.data ? undefined : `HTTP ${status}`;
  }
  // The server's VO fault is a VOTable (503: ServiceUnavailable); a proxy's error page is not.
  if (status === 503 && body.includes("<VOTABLE")) return "SERVICE_UNAVAILABLE";
  if (status !== 200) return `HTTP ${status}`;
  return body.includes("<VOTABLE") && !/name="QUERY_STATUS" value="ERROR"/.test(body) ? undefined : "VOTABLE_ERROR";
}

export function startTraffic(options: TrafficOptions): Traffic {
  const url = new URL(options.base);
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const outcomes: Outcome[] = [];
  const until = performance.now() + options.seconds * 1000;
  let stopped = false;
  const one = (op: Operation, n: number): Promise<Outcome> => {
    const built = build(op, n, options);
    const start = performance.now();
    return new Promise((resolve) => {
      let settled = false;
      const finish = (error?: string) => {
        if (settled) return;
        settled = true;
        resolve({ op, start, end: performance.now(), ...(error ? { error } : {}) });
      };
      const req = request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          method: built.method,
          path: built.path,
          headers: built.body ? { "content-type": "application/json", "content-length": Buffer.byteLength(built.body) } : {},
          timeout: options.timeoutMs ?? 30_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => finish(judge(built, res.statusCode ?? 0, Buffer.concat(chunks).toString())));
          res.on("error", (e: NodeJS.ErrnoException) => finish(e.code ?? e.message));
          res.on("aborted", () => finish("ECONNRESET"));
        },
      );
      req.on("timeout", () => {
        req.destroy(Object.assign(new Error("timeout"), { code: "TIMEOUT" }));
      });
      req.on("error", (e: NodeJS.ErrnoException) => finish(e.code ?? e.message));
      req.end(built.body);
    });
  };
  const done = Promise.all(
    Array.from({ length: options.connections }, async (_, connection) => {
      for (let n = connection; !stopped && performance.now() < until; n += options.connections) {
        const outcome = await one(OPERATIONS[n % OPERATIONS.length], n);
        outcomes.push(outcome);
        // A connection that cannot connect at all would spin: give up the turn briefly.
        if (outcome.error && /^E[A-Z]+$/.test(outcome.error)) await new Promise((r) => setTimeout(r, 20));
      }
    }),
  ).then(() => {
    agent.destroy();
    return outcomes;
  });
  return {
    outcomes,
    done,
    stop() {
      stopped = true;
    },
  };
}

/** p50 / p99 (ms) and error counts per operation. */
export function summariseOutcomes(outcomes: readonly Outcome[]): Record<Operation, { n: number; errors: number; errorKinds: Record<string, number>; p50: number; p99: number }> {
  const result = {} as ReturnType<typeof summariseOutcomes>;
  for (const op of OPERATIONS) {
    const mine = outcomes.filter((o) => o.op === op);
    const ok = mine.filter((o) => !o.error).map((o) => o.end - o.start).sort((a, b) => a - b);
    const at = (p: number) => (ok.length ? ok[Math.min(ok.length - 1, Math.floor((p / 100) * ok.length))] : NaN);
    const errorKinds: Record<string, number> = {};
    for (const o of mine) if (o.error) errorKinds[o.error] = (errorKinds[o.error] ?? 0) + 1;
    result[op] = { n: mine.length, errors: mine.length - ok.length, errorKinds, p50: at(50), p99: at(99) };
  }
  return result;
}

/** Trains a predictor through `base` and waits for it; returns its id. */
export async function trainPredictor(base: string, token: string, input: Record<string, unknown>, timeoutS = 300): Promise<{ runId: string; predictorId: string }> {
  const graphql = async (query: string, variables: Record<string, unknown> = {}) => {
    const response = await fetch(`${base}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: any; errors?: unknown[] };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
  const { trainPredictor } = await graphql(`mutation($input: TrainPredictorInput!) { trainPredictor(input: $input) { id } }`, { input });
  const runId = trainPredictor.id as string;
  for (const end = Date.now() + timeoutS * 1000; Date.now() < end; await new Promise((r) => setTimeout(r, 500))) {
    const { trainingRun } = await graphql(`query($id: ID!) { trainingRun(id: $id) { status error predictor { id } } }`, { id: runId });
    if (trainingRun.status === "SUCCEEDED") return { runId, predictorId: trainingRun.predictor.id };
    if (trainingRun.status === "FAILED" || trainingRun.status === "CANCELLED") throw new Error(`training run ${runId} ${trainingRun.status}: ${trainingRun.error}`);
  }
  throw new Error(`training run ${runId} did not finish within ${timeoutS} s`);
}

/** Up to `count` galaxies (id, position) with image and spectrum, read through `base`. */
export async function someGalaxies(base: string, count = 500): Promise<{ id: string; ra: number; dec: number }[]> {
  const response = await fetch(`${base}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: `{ galaxies(first: ${count}) { edges { node { id ra dec hasImage hasSpectrum } } } }` }),
  });
  const body = (await response.json()) as { data: { galaxies: { edges: { node: { id: string; ra: number; dec: number; hasImage: boolean; hasSpectrum: boolean } }[] } } };
  return body.data.galaxies.edges.map((e) => e.node).filter((g) => g.hasImage && g.hasSpectrum);
}
