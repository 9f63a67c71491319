/**
 * Validation never crashes: the hostile documents each get their
 * exact status and code, and a seeded fuzz of generated documents and
 * variables gets a 200 with data or a 4xx with a code, never a 500.
 */
import { after, before, describe, it } from "node:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import assert from "node:assert/strict";
import { loadDemo } from "../ingest/synthetic/load-demo.js";
import { graphqlSchema } from "../server/schema.js";
import { backends, type TestDatabase } from "./support/databases.js";
import { GraphqlFuzzer } from "./support/graphql-fuzz.js";
import { startTestServer, type TestServer } from "./support/server.js";
import { openCube } from "../cube/cube-store.js";

const FUZZ_CASES = 1000;
const KNOWN_CODES = new Set([
  "BAD_USER_INPUT",
  "NOT_FOUND",
  "QUERY_TOO_COMPLEX",
  "UNAUTHENTICATED",
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_REQUEST",
  "OPERATION_RESOLUTION_FAILURE",
  "PERSISTED_QUERY_NOT_SUPPORTED",
]);

for (const backend of backends) {
  describe(`GraphQL validation limits on ${backend.name}`, { skip: backend.skip }, () => {
    let db: TestDatabase;
    let server: TestServer;
    const dataDir = mkdtempSync(join(tmpdir(), "skycube-limits-"));

    before(async () => {
      db = await backend.open();
      await loadDemo(db.sql, { count: 6, cube: await openCube(dataDir) });
      // A small byte limit so that the fuzz reaches it too.
      server = await startTestServer(db, { dataDir, maxResponseBytes: 2_000_000, maxBodyBytes: 20_000_000 }); // room for the 11 MB document below
    });
    after(async () => {
      await server?.close();
      await db?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    async function post(body: string): Promise<{ status: number; body: any }> {
      const response = await fetch(`${server.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    }

    it("refuses cyclic fragments with 400 GRAPHQL_VALIDATION_FAILED", async () => {
      const { status, body } = await post(JSON.stringify({ query: "query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }" }));
      assert.equal(status, 400);
      assert.equal(body.errors[0].extensions.code, "GRAPHQL_VALIDATION_FAILED");
      assert.match(body.errors[0].message, /Cannot spread fragment "A" within itself/);
    });

    it("refuses a query of 1,000,000 sibling fields with 400 GRAPHQL_PARSE_FAILED (token limit)", async () => {
      const { status, body } = await post(JSON.stringify({ query: `{ ${"__typename ".repeat(1_000_000)}}` }));
      assert.equal(status, 400);
      assert.equal(body.errors[0].extensions.code, "GRAPHQL_PARSE_FAILED");
      assert.match(body.errors[0].message, /more that 10000 tokens/);
    });

    it("refuses 1,500 nested inline fragments with 400 QUERY_TOO_COMPLEX (nesting guard)", async () => {
      const nested = `{ ${"... on Query { ".repeat(1500)}__typename${" }".repeat(1500)} }`;
      const { status, body } = await post(JSON.stringify({ query: nested }));
      assert.equal(status, 400);
      assert.equal(body.errors[0].extensions.code, "QUERY_TOO_COMPLEX");
      assert.match(body.errors[0].message, /nested more than 500 deep/);
    });

    it("measures each fragment once (no exponential expansion) and refuses a fragment bomb by cost", async () => {
      // F0 spreads F1 ten times, F1 spreads F2 ten times, …: 10^7 copies of `predictors { id }` if expanded.
      const chain = Array.from({ length: 8 }, (_, k) => `fragment F${k} on Query { ${k === 7 ? "predictors { id }" : Array.from({ length: 10 }, () => `...F${k + 1}`).join(" ")} }`);
      const { status, body } = await post(JSON.stringify({ query: `{ ...F0 } ${chain.join(" ")}` }));
      assert.equal(status, 400);
      assert.equal(body.errors[0].extensions.code, "QUERY_TOO_COMPLEX");
      assert.equal(body.errors[0].extensions.cost, 2 * 10 ** 7);
    });

    it("refuses the issue's 500-galaxy `values` query up front with 400 QUERY_TOO_COMPLEX saying how to ask for less", async () => {
      const probe = `{ galaxies(first: 500) { edges { node { image(zoom: 0) { flux { values } sigma { values } mask { values } } spectrum(zoom: 0) { wavelength { values } flux { values } sigma { values } mask { values } } } } } }`;
      const { status, body } = await post(JSON.stringify({ query: probe }));
      assert.equal(status, 400);
      assert.equal(body.errors[0].extensions.code, "QUERY_TOO_COMPLEX");
      // 500 × (3 × 20,480 image values × 20 B + 20,480 mask × 2 B … ): far above the limit, counted per part.
      assert.ok(body.errors[0].extensions.bytes > 500_000_000, String(body.errors[0].extensions.bytes));
      assert.equal(body.errors[0].extensions.limit, 2_000_000);
      assert.match(body.errors[0].message, /smaller page \(first\), a coarser zoom.*base64 instead of values.*download in bulk/);
      // base64 of one galaxy's arrays fits: the estimate follows the form asked for.
      const one = await post(JSON.stringify({ query: probe.replace("first: 500", "first: 1").replaceAll("values", "base64") }));
      assert.equal(one.status, 200);
      assert.equal(one.body.errors, undefined);
    });

    it("answers /healthz while a large image and spectrum response is built (cube reads and serialization take turns)", async () => {
      const large = await startTestServer(db, { dataDir, maxResponseBytes: 64_000_000 });
      try {
        const page = (k: number) => `p${k}: galaxies(first: 6) { edges { node { image(zoom: 0) { flux { base64 } sigma { base64 } mask { base64 } } spectrum(zoom: 0) { flux { base64 } } } } }`;
        const query = `{ ${Array.from({ length: 30 }, (_, k) => page(k)).join(" ")} }`;
        const order: string[] = [];
        const big = fetch(`${large.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) })
          .then((r) => r.json())
          .then((body: any) => {
            order.push("graphql");
            return body;
          });
        await new Promise((r) => setTimeout(r, 20));
        const health = await fetch(`${large.url}/healthz`).then((r) => r.json());
        order.push("healthz");
        const body = await big;
        assert.deepEqual(health, { status: "ok" });
        assert.equal(body.errors, undefined);
        assert.equal(body.data.p29.edges.length, 6);
        assert.deepEqual(order, ["healthz", "graphql"]);
      } finally {
        await large.close();
      }
    });

    it("answers every fuzzed document and variables with 200 and data, or 4xx with a code — never 5xx", async () => {
      const fuzzer = new GraphqlFuzzer(await graphqlSchema(), 20261201);
      const statuses = new Map<number, number>();
      for (let k = 0; k < FUZZ_CASES; k++) {
        const request = fuzzer.next();
        const { status, body } = await post(JSON.stringify(request));
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        const where = `case ${k}: ${JSON.stringify(request).slice(0, 600)} → ${status} ${JSON.stringify(body).slice(0, 400)}`;
        assert.ok(status === 200 || (status >= 400 && status < 500), where);
        if (status === 200) assert.ok(body && "data" in body, where);
        else assert.ok(body?.errors?.[0]?.extensions?.code, where);
        for (const error of body?.errors ?? []) assert.ok(KNOWN_CODES.has(error.extensions?.code), where);
      }
      // The generator reaches both outcomes.
      assert.ok((statuses.get(200) ?? 0) > FUZZ_CASES / 20, JSON.stringify([...statuses])); // both paths exercised
      assert.ok((statuses.get(400) ?? 0) > FUZZ_CASES / 10, JSON.stringify([...statuses]));
    });
  });
}
