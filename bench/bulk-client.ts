/**
 * The bulk bench's client in a process of its own (bench/bulk-download.ts
 * spawns one per download): POSTs the JSON body read from stdin to the URL
 * given, counts the body as it streams (never held) with node:http, and
 * prints { status, seconds, bytes, contentLength, cpu } — seconds from the
 * request to the last byte, cpu this process's user + system seconds over
 * the same span.
 *
 *   node dist/bench/bulk-client.js http://127.0.0.1:4991/bulk/images < body.json
 */
import { request } from "node:http";

const url = process.argv[2];
let body = "";
for await (const chunk of process.stdin) body += chunk;
const started = performance.now();
const cpu0 = process.cpuUsage();
const req = request(url, { method: "POST", headers: { "content-type": "application/json" } }, (res) => {
  let bytes = 0;
  res.on("data", (chunk: Buffer) => (bytes += chunk.length));
  res.on("end", () => {
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpu0);
    console.log(JSON.stringify({ status: res.statusCode, seconds, bytes, contentLength: Number(res.headers["content-length"]), cpu: (cpu.user + cpu.system) / 1e6 }));
  });
});
req.on("error", (error) => {
  console.error(error.message);
  process.exit(1);
});
req.end(body);
