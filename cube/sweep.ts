/**
 * Start-up clean-up of the cube's storage: a crash between a shard's
 * rename and the commit of the rows that refer to it leaves a shard no
 * manifest row names (an orphan), a crash while writing leaves a temporary
 * file, and compaction leaves retired shards to delete once no reader can
 * still be using them. All three are removed here and reported.
 *
 * Safe against writers still at work: with the embedded database this
 * process holds the data folder alone (db/data-dir-lock.ts), so nothing
 * else writes; on a shared PostgreSQL other processes may be between a
 * rename and its commit, so only files older than `graceSeconds` are
 * touched there.
 */
import type { Sql } from "../db/database.js";
import type { ShardStorage } from "./storage.js";

export interface SweepReport {
  orphans: string[];
  temporaries: string[];
  retired: string[];
}

export async function sweepCube(sql: Sql, storage: ShardStorage, { graceSeconds }: { graceSeconds: number }): Promise<SweepReport> {
  const report: SweepReport = { orphans: [], temporaries: [], retired: [] };
  const { shards, temporaries } = storage.list();
  const known = new Set((await sql`SELECT name FROM cube_shards`).map((r) => r.name as string));
  for (const temporary of temporaries) {
    if (temporary.ageSeconds < graceSeconds) continue;
    storage.removeTemporary(temporary.path);
    report.temporaries.push(temporary.path);
  }
  for (const shard of shards) {
    if (known.has(shard.name) || shard.ageSeconds < graceSeconds) continue;
    storage.remove(shard.name);
    report.orphans.push(shard.name);
  }
  const retired = await sql`
    SELECT s.id, s.name FROM cube_shards s
    WHERE s.retired_at IS NOT NULL AND s.retired_at < now() - make_interval(secs => ${graceSeconds})
      AND NOT EXISTS (SELECT 1 FROM galaxies g WHERE g.cube_shard = s.id)`;
  for (const shard of retired) {
    storage.remove(shard.name as string);
    await sql`DELETE FROM cube_shards WHERE id = ${shard.id}`;
    report.retired.push(shard.name as string);
  }
  return report;
}
