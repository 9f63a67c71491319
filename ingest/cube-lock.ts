/**
 * One cube writer at a time. A write session copies the cube, appends and
 * renames the copy into place; two sessions at once would each start from
 * the same file and the second rename would drop the first's rows while its
 * catalogue rows still point at them. Every ingest therefore takes this
 * transaction-scoped advisory lock before it begins its cube session, and
 * holds it until its transaction ends, just after the rename.
 */
import type { Sql } from "../db/database.js";

const CUBE_WRITE_LOCK = 7170294;

export async function lockCubeWrites(tx: Sql): Promise<void> {
  await tx`SELECT pg_advisory_xact_lock(${CUBE_WRITE_LOCK})`;
}
