/**
 * What the per-request JSON log costs: the same server (`skycube serve`,
 * embedded PGlite, 300 demo galaxies) loaded by wrk with a cheap GraphQL
 * query, alternately with LOG_LEVEL=silent and LOG_LEVEL=info (one line per
 * request, stdout to a file), two rounds each. The latency histogram and the
 * cube counters are on in both (they cannot be turned off), so the ratio is
 * the log's cost alone; a cheap query makes it the worst case. Besides
 * requests/s (which the machine's other load sways), the server's CPU time
 * per request (user + system, from /proc/PID/stat) is reported: less
 * sensitive to what else runs. The rounds go in ABBA order.
 *
 *   npm run build && node dist/bench/observability.js   (BENCH_SECONDS, BENCH_CONNECTIONS override)
 */
import { spawn, spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 8);
const cli = fileURLToPath(new URL("../cli/main.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "skycube-bench-obs-"));
if (spawnSync("wrk", ["--version"]).error) throw new Error("this bench needs wrk (Debian package `wrk`)");

const script = join(dir, "query.lua");
const body = JSON.stringify({ query: "query Cone { coneSearch(ra: 0.5, dec: 0, radius: 0.5, first: 10) { edges { node { id ra dec redshift } } } }" });
writeFileSync(script, `wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = ${JSON.stringify(body)}\n`);

/** User + system CPU seconds of a process so far (Linux). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /, "").split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

async function round(level: string): Promise<{ rate: number; p50: number; p99: number; failures: number; logBytes: number; cpuMs: number }> {
  const logPath = join(dir, `stdout-${level}.log`);
  const out = openSync(logPath, "w");
  const server = spawn(process.execPath, [cli, "serve"], {
    env: { ...process.env, DATABASE_URL: "", DATA_DIR: join(dir, "data"), PORT: "4998", HOST: "127.0.0.1", DEMO_COUNT: "300", LOG_LEVEL: level, API_TOKEN: "bench-token-0123456789" },
    stdio: ["ignore", out, "inherit"],
  });
  try {
    for (let i = 0; ; i++) {
      const up = await fetch("http://127.0.0.1:4998/healthz").then((r) => r.ok, () => false);
      if (up) break;
      if (i > 1200) throw new Error("the server did not start");
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const target = "http://127.0.0.1:4998/graphql";
    spawnSync("wrk", ["-t1", `-c${connections}`, "-d2s", "-s", script, target]); // warm-up
    const cpuBefore = cpuSeconds(server.pid!);
    const text = spawnSync("wrk", ["-t1", `-c${connections}`, `-d${seconds}s`, "--latency", "-s", script, target], { encoding: "utf8" }).stdout;
    const cpu = cpuSeconds(server.pid!) - cpuBefore;
    const requests = Number(/(\d+) requests in/.exec(text)?.[1]);
    const ms = (label: string) => {
      const m = new RegExp(`${label}%\\s+([\\d.]+)(us|ms|s)`).exec(text);
      return m ? Number(m[1]) * (m[2] === "us" ? 1e-3 : m[2] === "s" ? 1e3 : 1) : NaN;
    };
    const failures = /Non-2xx or 3xx responses: (\d+)/.exec(text);
    return { rate: Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1]), p50: ms("50"), p99: ms("99"), failures: failures ? Number(failures[1]) : 0, logBytes: statSync(logPath).size, cpuMs: (cpu * 1000) / requests };
  } finally {
    const exited = new Promise((resolve) => server.once("exit", resolve));
    server.kill("SIGTERM");
    await exited;
    closeSync(out);
  }
}

const results: Record<string, { rate: number[]; p50: number[]; p99: number[]; cpuMs: number[]; failures: number; logBytes: number }> = {};
// ABBA order: a trend in the machine's load (shared here) weighs on both levels alike.
for (const level of ["silent", "info", "info", "silent"]) {
  const r = await round(level);
  const into = (results[level] ??= { rate: [], p50: [], p99: [], cpuMs: [], failures: 0, logBytes: 0 });
  into.cpuMs.push(r.cpuMs);
  into.rate.push(r.rate);
  into.p50.push(r.p50);
  into.p99.push(r.p99);
  into.failures += r.failures;
  into.logBytes += r.logBytes;
  console.log(`${level}: ${r.rate} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, server CPU ${r.cpuMs.toFixed(3)} ms/request, non-2xx ${r.failures}, stdout ${r.logBytes} bytes`);
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
console.log("\n| LOG_LEVEL | requests/s (mean of 2) | p50 (ms) | p99 (ms) | server CPU (ms/request) | non-2xx | stdout bytes |");
console.log("|---|---|---|---|---|---|---|");
for (const [level, r] of Object.entries(results)) {
  console.log(`| ${level} | ${mean(r.rate).toFixed(0)} | ${mean(r.p50).toFixed(2)} | ${mean(r.p99).toFixed(2)} | ${mean(r.cpuMs).toFixed(3)} | ${r.failures} | ${r.logBytes} |`);
}
console.log(`\ninfo / silent: requests/s ${(mean(results.info.rate) / mean(results.silent.rate)).toFixed(3)}, server CPU per request ${(mean(results.info.cpuMs) / mean(results.silent.cpuMs)).toFixed(3)}`);
rmSync(dir, { recursive: true, force: true });
