/**
 * Runs a Python snippet with Debian's interpreter (/usr/bin/python3, where
 * astropy, astropy-healpix and pyvo are installed from Debian packages),
 * sending JSON on stdin and reading JSON from stdout.
 */
import { spawnSync } from "node:child_process";

export const PYTHON = "/usr/bin/python3";

/** Why a Python module cannot be used here, or false when it can. */
export function pythonModuleMissing(module: string): string | false {
  const result = spawnSync(PYTHON, ["-c", `import ${module}`], { encoding: "utf8" });
  if (result.error) return `${PYTHON} is not available (${result.error.message})`;
  if (result.status !== 0) return `${PYTHON} cannot import ${module}; install it with apt-get (see .ci/run)`;
  return false;
}

export function runPython<T>(script: string, input: unknown): T {
  const result = spawnSync(PYTHON, ["-c", script], { input: JSON.stringify(input), encoding: "utf8", maxBuffer: 1 << 28 });
  if (result.status !== 0) throw new Error(`python failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}
