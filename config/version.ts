/**
 * The code version stored with every training run: the package version
 * plus the git commit when the code runs from a checkout.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));

function gitCommit(): string | null {
  try {
    const head = readFileSync(`${root}.git/HEAD`, "utf8").trim();
    if (!head.startsWith("ref: ")) return head.slice(0, 12);
    const ref = head.slice(5);
    try {
      return readFileSync(`${root}.git/${ref}`, "utf8").trim().slice(0, 12);
    } catch {
      const packed = readFileSync(`${root}.git/packed-refs`, "utf8");
      const line = packed.split("\n").find((l) => l.endsWith(` ${ref}`));
      return line ? line.slice(0, 12) : null;
    }
  } catch {
    return null;
  }
}

export function codeVersion(): string {
  const { version } = JSON.parse(readFileSync(`${root}package.json`, "utf8")) as { version: string };
  const commit = gitCommit();
  return commit ? `${version}+${commit}` : version;
}
