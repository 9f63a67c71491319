/**
 * Errors are one mechanism: a CodedError (errors/codes.ts, no protocol
 * imported) thrown anywhere, mapped to a protocol in exactly two places —
 * server/format-error.ts (GraphQL and the JSON file routes) and
 * vo/faults.ts (VOTable faults) — with "the database is unavailable" one
 * test in db/ used by both. The README's table lists every code a client can
 * get; the ones Apollo itself produces are provoked here over HTTP.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { GraphQLError } from "graphql";
import { CodedError, ErrorCode, NotFoundError, UserInputError } from "../errors/codes.js";
import { formatError, graphqlErrorOf, jsonErrorOf } from "../server/format-error.js";
import { faultOf } from "../vo/faults.js";
import { backends, type TestDatabase } from "./support/databases.js";
import { startTestServer, type TestServer } from "./support/server.js";

const root = fileURLToPath(new URL("../../", import.meta.url));

function sources(folder: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, folder))) {
    const path = join(folder, name);
    if (statSync(join(root, path)).isDirectory()) out.push(...sources(path));
    else if (name.endsWith(".ts") && !name.endsWith(".d.ts")) out.push(path);
  }
  return out;
}

const asResolverError = (error: Error) => new GraphQLError(error.message, { originalError: error, path: ["galaxy"] }); // as Apollo hands it to formatError
const internal = { message: "x", path: ["galaxy"], extensions: { code: "INTERNAL_SERVER_ERROR" } };

function quietly<T>(work: () => T): T {
  const log = console.error;
  console.error = () => {};
  try {
    return work();
  } finally {
    console.error = log;
  }
}

describe("one error mechanism", () => {
  it("defines coded errors without any protocol, and maps them in format-error.ts and faults.ts only", () => {
    const codes = readFileSync(join(root, "errors/codes.ts"), "utf8");
    assert.doesNotMatch(codes, /^(import|export) [^;]*from /m, "errors/codes.ts imports nothing");
    const folders = ["types", "config", "errors", "random", "sky", "db", "fits", "cube", "render", "catalog", "ingest", "export", "models", "schema", "vo", "resolvers", "server", "cli"];
    const all = folders.flatMap((f) => { try { return sources(f); } catch { return []; } });
    const making = all.filter((f) => /new GraphQLError\(|extends GraphQLError/.test(readFileSync(join(root, f), "utf8")));
    // GraphQL's own validation error (depth) stays a GraphQLError in the limits plugin; every coded error goes through graphqlErrorOf.
    assert.deepEqual(making.sort(), ["server/format-error.ts", "server/query-limits.ts"]);
    assert.match(readFileSync(join(root, "server/query-limits.ts"), "utf8"), /new GraphQLError\([^)]*depth/);
    assert.deepEqual(all.filter((f) => readFileSync(join(root, f), "utf8").includes("ServiceError")), []);
    const unavailableUsers = all.filter((f) => /isDatabaseUnavailable\(/.test(readFileSync(join(root, f), "utf8")));
    assert.deepEqual(unavailableUsers.sort(), ["db/database.ts", "server/format-error.ts", "vo/faults.ts"]);
  });

  it("keeps a coded error's code, message and details in GraphQL, in the file routes' JSON and in a VO fault", () => {
    const error = new UserInputError([{ argument: "ra", message: "must be in [0, 360)" }, { argument: "radius", message: "must be > 0" }]);
    assert.deepEqual(formatError(internal, asResolverError(error)), {
      message: "ra: must be in [0, 360); radius: must be > 0",
      path: ["galaxy"],
      extensions: { code: "BAD_USER_INPUT", problems: error.problems },
    });
    assert.deepEqual(jsonErrorOf(error), { status: 400, headers: {}, body: { error: { code: "BAD_USER_INPUT", problems: error.problems, message: error.message } } });
    assert.deepEqual(faultOf(error), { code: "BAD_USER_INPUT", status: 400, message: "UsageFault: ra: must be in [0, 360); radius: must be > 0" });
    const missing = new NotFoundError("Galaxy", "7");
    assert.deepEqual([faultOf(missing).message, faultOf(missing).status, jsonErrorOf(missing).status], ['NotFoundFault: Galaxy "7" does not exist', 404, 404]);
    const limited = graphqlErrorOf(new CodedError(ErrorCode.RATE_LIMITED, "slow down", { retryAfterSeconds: 7 }));
    assert.equal(limited.extensions.code, "RATE_LIMITED");
    assert.equal(limited.extensions.retryAfterSeconds, 7);
    const http = limited.extensions.http as { status: number; headers: Map<string, string> };
    assert.deepEqual([http.status, http.headers.get("retry-after")], [429, "7"]);
  });

  it("turns anything uncoded into INTERNAL_SERVER_ERROR without its message, and an unreachable database into SERVICE_UNAVAILABLE, in all three", () => {
    const bug = new Error('relation "secret_table" does not exist');
    quietly(() => {
      assert.deepEqual(formatError(internal, asResolverError(bug)), { message: "Internal server error", path: ["galaxy"], extensions: { code: "INTERNAL_SERVER_ERROR" } });
      assert.deepEqual(jsonErrorOf(bug).body, { error: { code: "INTERNAL_SERVER_ERROR", message: "Internal server error" } });
      assert.deepEqual([faultOf(bug).status, faultOf(bug).message], [500, "Error: internal server error"]);
    });
    const down = Object.assign(new Error("the database system is shutting down"), { code: "57P01" });
    assert.equal(formatError(internal, asResolverError(down)).extensions?.code, "SERVICE_UNAVAILABLE");
    assert.deepEqual([jsonErrorOf(down).status, jsonErrorOf(down).body.error.code], [503, "SERVICE_UNAVAILABLE"]);
    assert.deepEqual([faultOf(down).status, faultOf(down).code], [503, "SERVICE_UNAVAILABLE"]);
  });
});

/** The codes in the README's "Error codes" table. */
function readmeCodes(): Set<string> {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const table = readme.slice(readme.indexOf("### Error codes"), readme.indexOf("\n### ", readme.indexOf("### Error codes") + 5));
  const codes = new Set<string>();
  for (const line of table.split("\n").filter((l) => l.startsWith("| `"))) for (const m of line.split("|")[1].matchAll(/`([A-Z_]+)`/g)) codes.add(m[1]);
  return codes;
}

const pglite = backends.find((b) => b.name === "pglite")!;

describe("the README's error table", () => {
  let db: TestDatabase;
  let server: TestServer;
  before(async () => {
    db = await pglite.open();
    server = await startTestServer(db, { apiToken: "errors-test-token" });
  });
  after(async () => {
    await server?.close();
    await db?.drop().catch(() => {});
  });

  async function post(body: unknown, headers: Record<string, string> = {}, method = "POST", search = "") {
    const response = await fetch(`${server.url}/graphql${search}`, {
      method,
      headers: { "content-type": "application/json", ...headers },
      ...(method === "POST" ? { body: JSON.stringify(body) } : {}),
    });
    const json = (await response.json()) as { errors?: { extensions: { code: string } }[] };
    return { status: response.status, code: json.errors?.[0]?.extensions.code };
  }

  it("lists every code of errors/codes.ts and every code Apollo answers with, and nothing else", async () => {
    const listed = readmeCodes();
    // [code, HTTP status of /graphql, request]
    const probes: [string, number, Promise<{ status: number; code?: string }>][] = [
      ["GRAPHQL_PARSE_FAILED", 400, post({ query: "{ galaxies(" })],
      ["GRAPHQL_VALIDATION_FAILED", 400, post({ query: "{ nothingHere }" })],
      ["BAD_USER_INPUT", 400, post({ query: "query ($n: Int) { galaxies(first: $n) { totalCount } }", variables: { n: "many" } })],
      ["OPERATION_RESOLUTION_FAILURE", 400, post({ query: "query A { __typename } query B { __typename }", operationName: "C" })],
      ["PERSISTED_QUERY_NOT_FOUND", 200, post({ extensions: { persistedQuery: { version: 1, sha256Hash: "0".repeat(64) } } })],
      ["BAD_REQUEST", 400, post([{ query: "{ __typename }" }, { query: "{ __typename }" }])],
      ["BAD_REQUEST", 405, post(undefined, { "apollo-require-preflight": "true" }, "GET", "?query=mutation%7BdeletePredictor(id%3A%221%22)%7D")],
      ["UNAUTHENTICATED", 200, post({ query: 'mutation { deletePredictor(id: "1") }' })],
      ["NOT_FOUND", 200, post({ query: '{ galaxy(id: "123456789") { id } }' })],
    ];
    const answered = new Set<string>();
    for (const [code, status, probe] of probes) {
      assert.deepEqual(await probe, { code, status });
      answered.add(code);
    }
    for (const code of [...Object.values(ErrorCode), ...answered]) assert.ok(listed.has(code), `README lacks ${code}`);
    const known = new Set<string>([...Object.values(ErrorCode), ...answered]);
    assert.deepEqual([...listed].filter((c) => !known.has(c)), [], "README lists codes the server never returns");
  });

  it("answers a request whose database went away with SERVICE_UNAVAILABLE in GraphQL and 503 on a file route", async () => {
    await db.sql.end({ timeout: 1 });
    const graphql = await post({ query: "{ galaxies(first: 1) { totalCount } }" });
    assert.deepEqual([graphql.status, graphql.code], [200, "SERVICE_UNAVAILABLE"]);
    const file = await fetch(`${server.url}/cutouts/1.fits`);
    assert.equal(file.status, 503);
    assert.deepEqual(await file.json(), { error: { code: "SERVICE_UNAVAILABLE", message: "The database is unavailable; try again later" } });
  });
});
