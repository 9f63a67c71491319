/** The explorer's own query texts, read from its sources so the bench times exactly what the pages send. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

function queryIn(path: string, name: string): string {
  const source = readFileSync(fileURLToPath(new URL(`../../web/src/${path}`, import.meta.url)), "utf8");
  const match = new RegExp(`export const ${name} = \`([^\`]+)\``).exec(source);
  if (!match) throw new Error(`${name} not found in web/src/${path}`);
  return match[1];
}

export const GALAXY_CARD_QUERY_TEXT = queryIn("galaxy/query.ts", "GALAXY_CARD_QUERY");
export const CONE_QUERY_TEXT = queryIn("overview/cone-query.ts", "CONE_QUERY");
