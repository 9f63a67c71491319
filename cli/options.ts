/**
 * Command-line options, strictly: an unknown option, a missing value or an
 * unexpected argument is a one-line UsageError (exit 2) naming the command
 * and, for a typo, the option meant — the same "(did you mean …?)" as an
 * unknown command gets — never node's parseArgs stack trace.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";

/** A mistake in how a command was called: printed as one line, exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours each cost 1. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The candidate a mistyped word most likely meant: within a third of its length in edits, or one it starts (3+ letters); else undefined. */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = word.length >= 3 && candidate.startsWith(word) ? 0.5 : editDistance(word, candidate);
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return bestDistance <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

/** " (did you mean X?)" or "". */
export function didYouMean(word: string, candidates: readonly string[], spell: (candidate: string) => string = (c) => c): string {
  const match = closestMatch(word, candidates);
  return match === undefined ? "" : ` (did you mean ${spell(match)}?)`;
}

type Options = NonNullable<ParseArgsConfig["options"]>;

export interface CommandLine<T extends Options> {
  values: { [K in keyof T]?: T[K] extends { type: "boolean" } ? boolean : string };
  positionals: string[];
}

/**
 * Parses `args` of `command` ("ingest sdss") against its options; at most
 * `maxPositionals` plain arguments. `usage` ends every message.
 */
export function parseOptions<T extends Options>(command: string, args: string[], options: T, usage: string, maxPositionals = 0): CommandLine<T> {
  const names = Object.keys(options);
  const spelled = (name: string) => `--${name}`;
  const known = names.length > 0 ? `its options are ${names.map(spelled).join(", ")}` : "it takes no options (settings are environment variables: see 'skycube help')";
  for (const arg of args) {
    if (arg === "--") break;
    if (!arg.startsWith("-") || arg === "-") continue;
    const name = arg.replace(/^--?/, "").split("=")[0];
    const short = Object.entries(options).find(([, o]) => o.short === name)?.[0];
    if (!(name in options) && short === undefined) {
      throw new UsageError(`unknown option '${arg.split("=")[0]}' for '${command}'${didYouMean(name, names, spelled) || `; ${known}`}; usage: ${usage}`);
    }
  }
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    // The options are known by now: what is left is a value missing or given to a flag.
    const option = /'(-[^' ]+)/.exec((error as Error).message)?.[1] ?? "an option";
    const message = (error as Error).message;
    const problem = message.includes("argument missing") ? `option '${option}' needs a value` : message.includes("does not take an argument") ? `option '${option}' takes no value` : message.split(". ")[0];
    throw new UsageError(`${command}: ${problem}; usage: ${usage}`);
  }
  if (parsed.positionals.length > maxPositionals) {
    const extra = parsed.positionals.slice(maxPositionals);
    throw new UsageError(`unexpected argument${extra.length > 1 ? "s" : ""} ${extra.map((a) => `'${a}'`).join(" ")} for '${command}'; usage: ${usage}`);
  }
  return parsed as CommandLine<T>;
}
