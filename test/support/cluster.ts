/**
 * The local deployment topology (scripts/cluster-local.sh: PostgreSQL of its
 * own, two servers behind HAProxy, two workers, one cube folder) started for
 * a test or a bench, and stopped with it: the script watches this process
 * (CLUSTER_WATCH_PID), so the cluster never outlives it even when it is killed.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const clusterScript = fileURLToPath(new URL("../../../scripts/cluster-local.sh", import.meta.url));

/** CLUSTER_DIR/cluster.json, as the script writes it. */
export interface ClusterState {
  proxy: string;
  servers: { name: string; url: string; pid: number }[];
  workers: { name: string; pid: number }[];
  proxyPid: number;
  postgres: { url: string; port: number; pid: number; data: string; pgCtl: string; log: string };
  dataDir: string;
  logs: string;
  token: string;
  scriptPid: number;
}

export interface Cluster extends ClusterState {
  script: ChildProcess;
  /** Runs pg_ctl on the cluster's PostgreSQL (as the postgres user when root), e.g. ["restart", "-m", "fast"]. */
  pgCtl(args: string[]): void;
  /** Stops everything (the script drains the servers and workers and stops PostgreSQL). */
  stop(): Promise<void>;
}

/** Why the cluster cannot be started here (a missing binary), or undefined. */
export function clusterUnavailable(): string | undefined {
  for (const [tool, hint] of [
    ["haproxy", "Debian package haproxy"],
    ["/usr/lib/postgresql/15/bin/initdb", "Debian package postgresql-15"],
    ["curl", "Debian package curl"],
  ]) {
    if (spawnSync(tool, ["--version"]).error) return `${tool} is not installed (${hint}); the cluster tests need it`;
  }
  if (process.platform !== "linux") return "the cluster script runs on Linux";
  return undefined;
}

const asPostgres = (command: string, args: string[]): [string, string[]] =>
  process.getuid?.() === 0 ? ["runuser", ["-u", "postgres", "--", command, ...args]] : [command, args];

/** Starts the topology with `env` added to the script's environment; resolves once it is ready. */
export async function startCluster(env: Record<string, string>, { timeoutS = 300 } = {}): Promise<Cluster> {
  const script = spawn("bash", [clusterScript], {
    env: { ...process.env, CLUSTER_NO_BUILD: "1", CLUSTER_WATCH_PID: String(process.pid), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const statePath = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the cluster did not start within ${timeoutS} s:\n${output}`)), timeoutS * 1000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /cluster ready: \S+ \(state in (\S+)\)/.exec(output);
      if (ready) {
        clearTimeout(timer);
        resolve(ready[1]);
      }
    };
    script.stdout!.on("data", onData);
    script.stderr!.on("data", onData);
    script.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the cluster script exited with ${code}:\n${output}`));
    });
  });
  const state = JSON.parse(readFileSync(statePath, "utf8")) as ClusterState;
  const exited = new Promise<void>((resolve) => (script.exitCode !== null ? resolve() : script.once("exit", () => resolve())));
  return {
    ...state,
    script,
    pgCtl(args) {
      const [command, argv] = asPostgres(state.postgres.pgCtl, ["-D", state.postgres.data, "-l", state.postgres.log, "-w", ...args]);
      const result = spawnSync(command, argv, { encoding: "utf8", timeout: 60_000 });
      if (result.status !== 0) throw new Error(`pg_ctl ${args.join(" ")}: ${result.stderr || result.stdout}`);
    },
    async stop() {
      if (script.exitCode === null && script.signalCode === null) script.kill("SIGTERM");
      await exited;
    },
  };
}

/** The resident set size of a process in bytes (Linux /proc), or undefined when it is gone. */
export function rssBytes(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a process is still running. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
