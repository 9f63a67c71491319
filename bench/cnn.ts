/**
 * CNN training throughput (issue 4, Performance): training samples/s for the
 * compact net and the thesis VGG12 on 5-band images of 32 and 64 px, the
 * 1-D spectral nets at 577 bins, and early fusion, on one backend (wasm
 * unless TFJS_BACKEND says otherwise; wasm uses one core in Node).
 * Reference (issue 4): thesis VGG at 32 px, 34 samples/s on one core;
 * target: compact net at 32 px ≥ 10x that (340 samples/s).
 *
 * Each case trains on random inputs for 2 epochs (batch 32, Adam) and is
 * timed on the second, so that setup and the first-epoch warm-up are left
 * out. Also prediction samples/s for the compact nets. The machine is
 * shared, so next to wall-clock rates the bench gives samples per second of
 * this process's CPU time (user + system), which other load does not
 * lower as much (wasm runs on one thread).
 *
 * Then training on 1 against 2 threads (issue 15, target 3: 2 threads ≥
 * 1.7x one thread for the compact net and the thesis VGG at 32 px): the
 * data-parallel trainer (models/cnn/data-parallel.ts), each thread count
 * run twice in the order 1, 2, 2, 1 so that a drift in the machine's load
 * weighs on both alike; the table gives both means and their ratio.
 *
 *   npm run bench:cnn            (CNN_BENCH_QUICK=1 for a smoke run;
 *                                 CNN_BENCH_PART=single | threads for one table)
 */
import { availableParallelism, loadavg } from "node:os";
import type { ArrayInputs } from "../models/learner.js";
import { loadBackend, trainCnn, type CnnParams } from "../models/cnn/index.js";

interface Case {
  name: string;
  architecture: CnnParams["architecture"];
  size?: number;
  bins?: number;
  rows: number;
}

const quick = process.env.CNN_BENCH_QUICK === "1";
const cases: Case[] = [
  { name: "compact, image 32 px", architecture: "compact", size: 32, rows: 1024 },
  { name: "compact, image 64 px", architecture: "compact", size: 64, rows: 512 },
  { name: "compact, spectrum 577 bins", architecture: "compact", bins: 577, rows: 2048 },
  { name: "compact, fusion 32 px + 577 bins", architecture: "compact", size: 32, bins: 577, rows: 1024 },
  { name: "vgg12, image 32 px", architecture: "vgg12", size: 32, rows: 64 },
  { name: "vgg12, image 64 px", architecture: "vgg12", size: 64, rows: 32 },
  { name: "vgg12, spectrum 577 bins", architecture: "vgg12", bins: 577, rows: 64 },
];

function inputs(c: Case, rows: number): ArrayInputs {
  let state = 12345;
  const next = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 4294967296) * 2 - 1;
  const x: ArrayInputs = { rows };
  if (c.size) x.image = { values: Float32Array.from({ length: rows * 5 * c.size * c.size }, next), bands: 5, size: c.size };
  if (c.bins) x.spectrum = { values: Float32Array.from({ length: rows * c.bins }, next), bins: c.bins };
  return x;
}

const threadCases: Case[] = [
  { name: "compact, image 32 px", architecture: "compact", size: 32, rows: 1024 },
  { name: "vgg12, image 32 px", architecture: "vgg12", size: 32, rows: 128 },
  { name: "thesis_vgg, image 32 px", architecture: "thesis_vgg", size: 32, rows: 128 },
];

const load = () => loadavg().map((l) => l.toFixed(2)).join(" ");

const cpuSeconds = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

/**
 * Samples/s of the second of two epochs (batch 32, Adam) on `threads`
 * threads, and samples per CPU-second of the process (all its threads):
 * 2 x (2-thread CPU rate / 1-thread CPU rate) bounds the speed-up a quiet
 * machine can show, whatever the load now.
 */
async function trainRate(c: Case, rows: number, threads: number): Promise<{ wall: number; cpu: number }> {
  const x = inputs(c, rows);
  const y = Float32Array.from({ length: rows }, (_, i) => Math.sin(i));
  const stamps: { wall: number; cpu: number }[] = [];
  const model = await trainCnn(x, y, { architecture: c.architecture, epochs: 2, batchSize: 32 }, {
    seed: 1,
    threads,
    onIteration: () => stamps.push({ wall: performance.now(), cpu: cpuSeconds() }),
  });
  if (model.spec.training.threads !== threads) throw new Error(`asked for ${threads} threads, trained on ${model.spec.training.threads}`);
  model.dispose();
  return { wall: rows / ((stamps[1].wall - stamps[0].wall) / 1000), cpu: rows / (stamps[1].cpu - stamps[0].cpu) };
}

async function threadsTable(): Promise<void> {
  console.log(`\nTraining on 1 and 2 threads (order 1, 2, 2, 1; ${availableParallelism()} cores), load average before ${load()}`);
  console.log("| case | rows | 1 thread samples/s (runs) | 2 threads samples/s (runs) | ratio 2 / 1 | samples per CPU-second 1 / 2 threads | bound 2 x CPU ratio |");
  console.log("|---|---|---|---|---|---|---|");
  for (const c of threadCases) {
    const rows = quick ? Math.min(c.rows, 64) : c.rows;
    const runs: Record<number, { wall: number; cpu: number }[]> = { 1: [], 2: [] };
    for (const threads of [1, 2, 2, 1]) runs[threads].push(await trainRate(c, rows, threads));
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    const rate = (r: number) => r.toFixed(r < 100 ? 1 : 0);
    const walls = (t: number) => runs[t].map((r) => r.wall);
    const cpus = (t: number) => mean(runs[t].map((r) => r.cpu));
    const list = (values: number[]) => `${rate(mean(values))} (${values.map(rate).join(", ")})`;
    console.log(`| ${c.name} | ${rows} | ${list(walls(1))} | ${list(walls(2))} | ${(mean(walls(2)) / mean(walls(1))).toFixed(2)} | ${rate(cpus(1))} / ${rate(cpus(2))} | ${((2 * cpus(2)) / cpus(1)).toFixed(2)} |`);
  }
  console.log(`load average after ${load()}`);
}

async function main() {
  const backend = await loadBackend(process.env.TFJS_BACKEND ?? "wasm");
  console.log(`backend ${backend}, node ${process.version}, load average before ${load()}`);
  const part = process.env.CNN_BENCH_PART;
  if (part !== "threads") await singleTable();
  if (part !== "single") await threadsTable();
}

async function singleTable(): Promise<void> {
  console.log("| case | parameters | train samples/s | train samples per CPU-second | predict samples/s |");
  console.log("|---|---|---|---|---|");
  for (const c of cases) {
    const rows = quick ? Math.min(c.rows, 64) : c.rows;
    const x = inputs(c, rows);
    const y = Float32Array.from({ length: rows }, (_, i) => Math.sin(i));
    const stamps: { wall: number; cpu: number }[] = [];
    const cpuSeconds = () => {
      const { user, system } = process.cpuUsage();
      return (user + system) / 1e6;
    };
    const model = await trainCnn(x, y, { architecture: c.architecture, epochs: 2, batchSize: 32 }, {
      seed: 1,
      onIteration: () => stamps.push({ wall: performance.now(), cpu: cpuSeconds() }),
    });
    const trainRate = rows / ((stamps[1].wall - stamps[0].wall) / 1000);
    const cpuRate = rows / (stamps[1].cpu - stamps[0].cpu);
    let predictRate = "–";
    if (c.architecture === "compact") {
      const started = performance.now();
      await model.predict(x);
      predictRate = (rows / ((performance.now() - started) / 1000)).toFixed(0);
    }
    const parameters = model.spec.weights.reduce((sum, w) => sum + w.shape.reduce((a, b) => a * b, 1), 0);
    model.dispose();
    const rate = (r: number) => r.toFixed(r < 100 ? 1 : 0);
    console.log(`| ${c.name} | ${parameters.toLocaleString("en-US")} | ${rate(trainRate)} | ${rate(cpuRate)} | ${predictRate} |`);
  }
  console.log(`load average after ${load()}`);
}

await main();
