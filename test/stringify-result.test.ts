import assert from "node:assert/strict";
import { test } from "node:test";
import { streamJson, stringifyResultDeferred, stringifyResultYielding, takeDeferred } from "../server/stringify-result.js";

async function streamed(value: unknown): Promise<{ text: string; chunks: number }> {
  const reader = streamJson(value).getReader();
  const parts: Buffer[] = [];
  for (;;) {
    const { done, value: chunk } = await reader.read();
    if (done) break;
    parts.push(Buffer.from(chunk));
  }
  return { text: Buffer.concat(parts).toString("utf8"), chunks: parts.length };
}

const base64 = Buffer.from(Float32Array.from({ length: 20_480 }, (_, i) => Math.sin(i)).buffer).toString("base64");
const awkward = {
  data: {
    a: "short \"quoted\" \\ back\u0001slash",
    long: `${"x".repeat(300)}"needs escaping"\n${"y".repeat(300)}`,
    unicode: `${"é".repeat(200)} ☃ 𝔊 ${"ü".repeat(200)}`,
    lone: `${"z".repeat(300)}\ud800${"z".repeat(10)}`,
    numbers: [1, -0, 1.5e-300, NaN, Infinity, null],
    skipped: undefined,
    nested: [{ b: [[1, 2], { c: null }] }, null, "s"],
    date: new Date(0),
    edges: Array.from({ length: 40 }, (_, i) => ({ node: { id: String(i), flux: { base64 }, mask: { base64: base64.slice(0, 1000 + i) } } })),
  },
};

test("streamJson writes exactly JSON.stringify(value) + newline, in bounded chunks", async () => {
  const expected = JSON.stringify(awkward) + "\n";
  const { text, chunks } = await streamed(awkward);
  assert.equal(text, expected);
  assert.ok(chunks >= 4, `${expected.length} characters in ${chunks} chunks (about 1 MB each)`);
  assert.equal(await stringifyResultYielding(awkward), expected);
  for (const small of [null, "x", [], {}, { data: null, errors: [{ message: "m" }] }]) assert.equal((await streamed(small)).text, JSON.stringify(small) + "\n");
});

test("a small result is stringified; a large one is kept aside for streaming, once", async () => {
  const small = { data: { a: 1 } };
  assert.equal(await stringifyResultDeferred(small), '{"data":{"a":1}}\n');
  assert.equal(takeDeferred('{"data":{"a":1}}\n'), undefined);
  const marker = await stringifyResultDeferred(awkward);
  assert.notEqual(marker[0], "{");
  assert.equal(takeDeferred(marker)?.value, awkward);
  assert.equal(takeDeferred(marker)?.value, undefined);
});
