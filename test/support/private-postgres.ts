/**
 * A PostgreSQL 15 server of a test's own (initdb + pg_ctl in a temporary
 * folder, trust auth, loopback on a free port), for tests that stop and start
 * the database under a running client: never the machine's PostgreSQL.
 * When we are root, PostgreSQL runs as the postgres user (it refuses root).
 */
import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync, appendFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const PG_BIN = "/usr/lib/postgresql/15/bin";

export interface PrivatePostgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string;
  /** Runs pg_ctl (waiting for it), e.g. ["stop", "-m", "fast"] or ["start"]. */
  pgCtl(args: string[]): void;
  /** Stops the server and removes its folder. */
  remove(): void;
}

/** Why a private PostgreSQL cannot be started here, or undefined. */
export function privatePostgresUnavailable(): string | undefined {
  if (spawnSync(`${PG_BIN}/initdb`, ["--version"]).error) return `${PG_BIN}/initdb is not installed (Debian package postgresql-15)`;
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

const root = process.getuid?.() === 0;
const asPostgres = (command: string, args: string[]): [string, string[]] => (root ? ["runuser", ["-u", "postgres", "--", command, ...args]] : [command, args]);

function run(command: string, args: string[]): void {
  const [cmd, argv] = asPostgres(command, args);
  const result = spawnSync(cmd, argv, { encoding: "utf8", timeout: 60_000 });
  if (result.status !== 0) throw new Error(`${command.split("/").pop()} ${args.join(" ")}: ${result.stderr || result.stdout || result.error}`);
}

/** Makes, starts and returns a new PostgreSQL server. */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const dir = mkdtempSync(join(tmpdir(), "skycube-private-pg-"));
  chmodSync(dir, 0o755);
  const data = join(dir, "data");
  const log = join(dir, "postgres.log");
  writeFileSync(log, "");
  if (root) chownSync(dir, uidOf("postgres"), -1), chownSync(log, uidOf("postgres"), -1);
  run(`${PG_BIN}/initdb`, ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
  const port = await freePort();
  appendFileSync(data + "/postgresql.conf", `listen_addresses = '127.0.0.1'\nport = ${port}\nunix_socket_directories = '${data}'\nfsync = off\n`);
  const pgCtl = (args: string[]) => run(`${PG_BIN}/pg_ctl`, ["-D", data, "-l", log, "-w", ...args]);
  pgCtl(["start"]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    pgCtl,
    remove() {
      try {
        pgCtl(["stop", "-m", "immediate"]);
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function uidOf(user: string): number {
  const result = spawnSync("id", ["-u", user], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`no user ${user}`);
  return Number(result.stdout.trim());
}
