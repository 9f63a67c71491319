/**
 * Runs an external client (Python, STILTS) without blocking the event loop,
 * so that a server in the same process can answer it (spawnSync would
 * deadlock). Times out rather than hang a test run.
 */
import { spawn, spawnSync } from "node:child_process";

export interface ProcessResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runProcess(command: string, args: string[], input = "", timeoutMs = 300_000): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

/** Runs a Python snippet with /usr/bin/python3, JSON in on stdin and out on stdout. */
export async function runPythonAsync<T>(script: string, input: unknown): Promise<T> {
  const result = await runProcess("/usr/bin/python3", ["-c", script], JSON.stringify(input));
  if (result.status !== 0) throw new Error(`python failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

/** Why STILTS cannot be used here, or false when it can. */
export function stiltsMissing(): string | false {
  const result = spawnSync("stilts", ["-version"], { encoding: "utf8" });
  if (result.error) return `stilts is not installed (${result.error.message}); install Debian's stilts (see .ci/run)`;
  return false;
}
