/**
 * VOSI 1.1 availability (§3.3): available is true when the database answers
 * within AVAILABILITY_TIMEOUT_MS; the document is served with HTTP 200
 * either way (the answer is in it).
 */
import type { Context } from "hono";
import type { VoContext } from "../context.js";

const AVAILABILITY_TIMEOUT_MS = 2000;
const startedAt = new Date().toISOString().replace(/\.\d+Z$/, "Z");

export function availabilityService(vo: VoContext) {
  return async (_c: Context): Promise<Response> => {
    let available = true;
    try {
      await Promise.race([
        vo.db.sql`SELECT 1`,
        new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), AVAILABILITY_TIMEOUT_MS).unref()),
      ]);
    } catch {
      available = false;
    }
    const note = available ? `catalogue database (${vo.db.kind}) reachable` : "the catalogue database cannot be reached";
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<vosi:availability xmlns:vosi="http://www.ivoa.net/xml/VOSIAvailability/v1.0">
  <vosi:available>${available}</vosi:available>
  ${available ? `<vosi:upSince>${startedAt}</vosi:upSince>` : ""}
  <vosi:note>${note}</vosi:note>
</vosi:availability>
`;
    return new Response(xml, { headers: { "content-type": "text/xml; charset=utf-8" } });
  };
}
