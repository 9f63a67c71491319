/**
 * The model registry: predictor names, their versions (1, 2, … per name,
 * never reused) and aliases (`champion`, `challenger`, any label) that
 * point at one version. A predictor is referred to by its id, `name@version`
 * or `name@alias` (`parsePredictorRef`).
 */
import type { Sql } from "../../db/database.js";

export type PredictorRef =
  | { by: "id"; id: string }
  | { by: "version"; name: string; version: number }
  | { by: "alias"; name: string; alias: string };

export interface RefProblem {
  /** NOT_FOUND: well formed, names nothing; BAD_USER_INPUT: malformed. */
  code: "BAD_USER_INPUT" | "NOT_FOUND";
  message: string;
}

/** Longest predictor name or alias. */
export const MAX_NAME_LENGTH = 100;

/** Why a predictor name is unusable, or null. Names may not contain `@` (the reference separator) nor be all digits (ids). */
export function nameProblem(name: string): string | null {
  if (name.length === 0 || name.length > MAX_NAME_LENGTH) return `must be 1 to ${MAX_NAME_LENGTH} characters`;
  if (name.trim() !== name) return "must not start or end with white space";
  if (name.includes("@")) return "must not contain @ (it separates name and version or alias in a reference)";
  if (/^\d+$/.test(name)) return "must not be all digits (that reads as a predictor id)";
  return null;
}

/** Why an alias is unusable, or null: a letter, then letters, digits, `.`, `_` or `-`. */
export function aliasProblem(alias: string): string | null {
  if (!/^[A-Za-z][A-Za-z0-9._-]*$/.test(alias) || alias.length > MAX_NAME_LENGTH) {
    return `must start with a letter and hold only letters, digits, '.', '_' or '-' (at most ${MAX_NAME_LENGTH}); digits alone would read as a version`;
  }
  return null;
}

/** `42` (id), `name@3` (version), `name@champion` (alias). */
export function parsePredictorRef(ref: string): PredictorRef | RefProblem {
  if (/^[1-9]\d{0,17}$/.test(ref)) return { by: "id", id: ref };
  const at = ref.lastIndexOf("@");
  const forms = "give a predictor id, name@version or name@alias";
  if (at <= 0 || at === ref.length - 1) return { code: "BAD_USER_INPUT", message: `${JSON.stringify(ref)} is not a predictor reference; ${forms}` };
  const name = ref.slice(0, at);
  const tail = ref.slice(at + 1);
  const bad = nameProblem(name);
  if (bad) return { code: "BAD_USER_INPUT", message: `the name in ${JSON.stringify(ref)} ${bad}; ${forms}` };
  if (/^\d+$/.test(tail)) {
    const version = Number(tail);
    if (!Number.isSafeInteger(version) || version < 1 || version > 2 ** 31 - 1) return { code: "BAD_USER_INPUT", message: `version ${tail} must be an integer ≥ 1` };
    return { by: "version", name, version };
  }
  const badAlias = aliasProblem(tail);
  if (badAlias) return { code: "BAD_USER_INPUT", message: `the alias in ${JSON.stringify(ref)} ${badAlias}` };
  return { by: "alias", name, alias: tail };
}

export function isRefProblem(value: PredictorRef | RefProblem): value is RefProblem {
  return "code" in value;
}

/** The predictor id a reference names, or what is wrong with it. */
export async function resolvePredictorRef(sql: Sql, ref: string): Promise<{ id: string } | RefProblem> {
  const parsed = parsePredictorRef(ref);
  if (isRefProblem(parsed)) return parsed;
  if (parsed.by === "id") {
    const rows = await sql`SELECT id FROM predictors WHERE id = ${parsed.id}`;
    return rows.length ? { id: parsed.id } : { code: "NOT_FOUND", message: `predictor ${JSON.stringify(ref)} does not exist` };
  }
  if (parsed.by === "version") {
    const rows = await sql`SELECT id FROM predictors WHERE name = ${parsed.name} AND version = ${parsed.version}`;
    if (rows.length) return { id: String(rows[0].id) };
  } else {
    const rows = await sql`SELECT predictor_id FROM predictor_aliases WHERE name = ${parsed.name} AND alias = ${parsed.alias}`;
    if (rows.length) return { id: String(rows[0].predictor_id) };
  }
  return { code: "NOT_FOUND", message: await whyMissing(sql, parsed) };
}

/** A message that says what exists instead. */
async function whyMissing(sql: Sql, ref: Exclude<PredictorRef, { by: "id" }>): Promise<string> {
  const versions = (await sql`SELECT version FROM predictors WHERE name = ${ref.name} ORDER BY version`).map((r) => Number(r.version));
  if (versions.length === 0) return `no predictor is named ${JSON.stringify(ref.name)}`;
  if (ref.by === "version") return `${ref.name} has no version ${ref.version} (it has ${versions.join(", ")})`;
  const aliases = (await sql`SELECT alias FROM predictor_aliases WHERE name = ${ref.name} ORDER BY alias`).map((r) => r.alias as string);
  return `${ref.name} has no alias ${JSON.stringify(ref.alias)} (${aliases.length ? `its aliases: ${aliases.join(", ")}` : "it has no aliases"}; set one with setPredictorAlias)`;
}

/** The next version of `name` (1 for a new name), taken atomically: the row lock serialises concurrent saves. */
export async function nextVersion(sql: Sql, name: string): Promise<number> {
  const [row] = await sql`
    INSERT INTO predictor_names (name, last_version) VALUES (${name}, 1)
    ON CONFLICT (name) DO UPDATE SET last_version = predictor_names.last_version + 1
    RETURNING last_version`;
  return Number(row.last_version);
}

/** Points `name@alias` at `name@version`; returns the predictor id, or null when that version does not exist. */
export async function setAlias(sql: Sql, name: string, alias: string, version: number): Promise<string | null> {
  return sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const rows = await t`SELECT id FROM predictors WHERE name = ${name} AND version = ${version}`;
    if (rows.length === 0) return null;
    const id = String(rows[0].id);
    await t`INSERT INTO predictor_aliases (name, alias, predictor_id) VALUES (${name}, ${alias}, ${id})
      ON CONFLICT (name, alias) DO UPDATE SET predictor_id = excluded.predictor_id, updated_at = now()`;
    return id;
  });
}

/** Aliases of each predictor, in the order asked. */
export async function aliasesByPredictorIds(sql: Sql, ids: readonly string[]): Promise<string[][]> {
  const rows = await sql`SELECT predictor_id, alias FROM predictor_aliases WHERE predictor_id = ANY(${ids as string[]}::int8[]) ORDER BY alias`;
  const by = new Map<string, string[]>();
  for (const r of rows) {
    const id = String(r.predictor_id);
    const list = by.get(id);
    if (list) list.push(r.alias as string);
    else by.set(id, [r.alias as string]);
  }
  return ids.map((id) => by.get(id) ?? []);
}
