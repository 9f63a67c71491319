/**
 * Request limits over HTTP on a real server: the body size (counted as it
 * streams, not from Content-Length), batched operations, and the per-client
 * mutation rate limit with Retry-After.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { backends, type TestDatabase } from "./support/databases.js";
import { startTestServer, type TestServer } from "./support/server.js";

const TOKEN = "request-limits-test-token";

for (const backend of backends) {
  describe(`request limits on ${backend.name}`, { skip: backend.skip }, () => {
    let db: TestDatabase;
    let server: TestServer;

    before(async () => {
      db = await backend.open();
      server = await startTestServer(db, { apiToken: TOKEN, mutationRateLimit: 3, mutationRateWindowS: 60 });
    });
    after(async () => {
      await server?.close();
      await db?.drop();
    });

    async function post(path: string, body: string | ReadableStream, headers: Record<string, string> = {}, init: Record<string, unknown> = {}) {
      const response = await fetch(`${server.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body, ...init });
      return { status: response.status, headers: response.headers, body: await response.json().catch(() => undefined) as any };
    }

    it("refuses a 10 MB GraphQL body with 413 PAYLOAD_TOO_LARGE and accepts one just under 1 MB", async () => {
      const big = await post("/graphql", JSON.stringify({ query: "{ __typename }", variables: { x: "a".repeat(10_000_000) } }));
      assert.equal(big.status, 413);
      assert.equal(big.body.errors[0].extensions.code, "PAYLOAD_TOO_LARGE");
      assert.match(big.body.errors[0].message, /larger than 1000000 bytes \(MAX_BODY_BYTES\)/);
      const fits = await post("/graphql", JSON.stringify({ query: "{ __typename }", variables: { x: "a".repeat(999_000) } }));
      assert.equal(fits.status, 200);
      assert.deepEqual(fits.body, { data: { __typename: "Query" } });
    });

    it("counts a streamed body without Content-Length too", async () => {
      const chunk = new TextEncoder().encode("a".repeat(100_000));
      let sent = 0;
      const stream = new ReadableStream({
        pull(controller) {
          if (sent++ < 30) controller.enqueue(chunk);
          else controller.close();
        },
      });
      const response = await post("/graphql", stream, {}, { duplex: "half" });
      assert.equal(response.status, 413);
      assert.equal(response.body.errors[0].extensions.code, "PAYLOAD_TOO_LARGE");
    });

    it("refuses a large body on the other routes with the route's error shape", async () => {
      const response = await post("/vo/scs", "a".repeat(2_000_000), { "content-type": "application/x-www-form-urlencoded" });
      assert.equal(response.status, 413);
      assert.equal(response.body.error.code, "PAYLOAD_TOO_LARGE");
    });

    it("refuses batched operations with 400 BAD_REQUEST", async () => {
      const response = await post("/graphql", JSON.stringify([{ query: "{ __typename }" }, { query: "{ __typename }" }]));
      assert.equal(response.status, 400);
      assert.equal(response.body.errors[0].extensions.code, "BAD_REQUEST");
    });

    it("limits mutations per token and per IP with 429 RATE_LIMITED and Retry-After, and leaves queries alone", async () => {
      const mutation = JSON.stringify({ query: `mutation { deletePredictor(id: "999999") }` });
      for (let k = 0; k < 3; k++) {
        const allowed = await post("/graphql", mutation, { authorization: `Bearer ${TOKEN}` });
        assert.equal(allowed.status, 200);
        assert.equal(allowed.body.errors[0].extensions.code, "NOT_FOUND");
      }
      const refused = await post("/graphql", mutation, { authorization: `Bearer ${TOKEN}` });
      assert.equal(refused.status, 429);
      assert.equal(refused.body.errors[0].extensions.code, "RATE_LIMITED");
      const retryAfter = Number(refused.headers.get("retry-after"));
      assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, String(retryAfter));
      // Another token from the same address is limited by the address.
      const otherToken = await post("/graphql", mutation, { authorization: "Bearer another-token-of-16-chars" });
      assert.equal(otherToken.status, 429);
      assert.equal(otherToken.body.errors[0].extensions.code, "RATE_LIMITED");
      const query = await post("/graphql", JSON.stringify({ query: "{ __typename }" }), { authorization: `Bearer ${TOKEN}` });
      assert.equal(query.status, 200);
    });
  });
}
