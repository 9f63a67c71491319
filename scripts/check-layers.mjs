#!/usr/bin/env node
// The layers, lowest first (README "Layout"): a module may import its own
// layer and those below it, never one above; and no module imports itself
// back through a cycle. Run by .ci/run; exits 1 listing every violation.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";

const LAYERS = [
  ["types", "config", "errors", "random"],
  ["sky", "db", "fits"],
  ["cube"],
  ["render", "catalog"],
  ["ingest", "export"],
  ["models"],
  ["schema", "vo"],
  ["resolvers"],
  ["server"],
  ["cli", "bench", "test"],
];
const layerOf = new Map(LAYERS.flatMap((folders, level) => folders.map((f) => [f, level])));
const root = join(dirname(new URL(import.meta.url).pathname), "..");
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith(".ts") && !name.endsWith(".d.ts")) files.push(relative(root, path));
  }
};
for (const folder of layerOf.keys()) {
  try {
    walk(join(root, folder));
  } catch {
    // a layer folder that does not exist (yet)
  }
}
const problems = [];
const graph = new Map();
for (const file of files) {
  const source = readFileSync(join(root, file), "utf8");
  const targets = [];
  for (const match of source.matchAll(/(?:import|export)\s[^"']*?from\s+["'](\.[^"']+)["']|import\(\s*["'](\.[^"']+)["']\s*\)/g)) {
    const spec = match[1] ?? match[2];
    const target = normalize(join(dirname(file), spec)).replace(/\.js$/, ".ts");
    targets.push(target);
    const [from, to] = [file.split("/")[0], target.split("/")[0]];
    if (!layerOf.has(to)) continue;
    if (layerOf.get(to) > layerOf.get(from)) problems.push(`${file} imports ${target}: ${to}/ is above ${from}/`);
  }
  graph.set(file, targets);
}
// Cycles: depth-first search with colours.
const state = new Map();
const stack = [];
const visit = (file) => {
  state.set(file, 1);
  stack.push(file);
  for (const next of graph.get(file) ?? []) {
    if (!graph.has(next)) continue;
    if (state.get(next) === 1) problems.push(`import cycle: ${[...stack.slice(stack.indexOf(next)), next].join(" → ")}`);
    else if (!state.has(next)) visit(next);
  }
  stack.pop();
  state.set(file, 2);
};
for (const file of graph.keys()) if (!state.has(file)) visit(file);
if (problems.length > 0) {
  console.error(`layers: ${problems.length} problem(s)\n${problems.join("\n")}`);
  process.exit(1);
}
console.log(`layers: ${files.length} modules, imports flow down, no cycles`);
