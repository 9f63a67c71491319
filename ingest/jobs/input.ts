/**
 * What an ingest job reads: server-side paths, checked before the job is
 * queued so that a typo is a BAD_USER_INPUT now, not a FAILED job later.
 * Paths are absolute (a relative path would depend on the server's working
 * directory) and, when INGEST_ROOT is set, inside it after symbolic links
 * are resolved.
 */
import { realpathSync, statSync } from "node:fs";
import { isAbsolute, relative, sep } from "node:path";
import type { InputProblem } from "../../errors/codes.js";

export type IngestInput =
  | { source: "sdss"; spectra: string; frames?: string; sfr?: [string, string] }
  | { source: "hisscube"; path: string };

/** The paths an input reads, with the argument that named each and what it must be. */
function pathsOf(input: IngestInput): { argument: string; path: string; kind: "folder" | "file" }[] {
  if (input.source === "hisscube") return [{ argument: "path", path: input.path, kind: "file" }];
  return [
    { argument: "spectra", path: input.spectra, kind: "folder" as const },
    ...(input.frames !== undefined ? [{ argument: "frames", path: input.frames, kind: "folder" as const }] : []),
    ...(input.sfr ?? []).map((path) => ({ argument: "sfr", path, kind: "file" as const })),
  ];
}

function inside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}

/** Every problem with an input's paths; none means the job can be queued. `root`: INGEST_ROOT, or "" for anywhere. */
export function ingestInputProblems(input: IngestInput, root: string): InputProblem[] {
  const problems: InputProblem[] = [];
  if (input.source === "sdss" && input.sfr !== undefined && input.sfr.length !== 2) {
    problems.push({ argument: "sfr", message: `takes two files, gal_info and gal_totsfr; got ${input.sfr.length}` });
  }
  const realRoot = root ? safeRealpath(root) : null;
  for (const { argument, path, kind } of pathsOf(input)) {
    if (!isAbsolute(path)) {
      problems.push({ argument, message: `${JSON.stringify(path)} is not an absolute path (paths are read by the server)` });
      continue;
    }
    const real = safeRealpath(path);
    if (real === null) {
      problems.push({ argument, message: `${path} does not exist on the server` });
      continue;
    }
    if (root && (realRoot === null || !inside(real, realRoot))) {
      problems.push({ argument, message: `${path} is outside INGEST_ROOT (${root})` });
      continue;
    }
    const isFolder = statSync(real).isDirectory();
    if (kind === "folder" && !isFolder) problems.push({ argument, message: `${path} is not a folder` });
    if (kind === "file" && isFolder) problems.push({ argument, message: `${path} is a folder; a file is needed` });
  }
  return problems;
}

function safeRealpath(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}

/** A one-line description of what a job reads (logs, the CLI). */
export function describeIngestInput(input: IngestInput): string {
  if (input.source === "hisscube") return `hisscube ${input.path}`;
  return `sdss --spectra ${input.spectra}${input.frames ? ` --frames ${input.frames}` : ""}${input.sfr ? ` --sfr ${input.sfr.join(",")}` : ""}`;
}
