/**
 * The public base URL of the server, for the access URLs written in VO
 * responses: VO_BASE_URL when set (a proxy that rewrites paths), otherwise
 * from the request: X-Forwarded-Proto / X-Forwarded-Host when a proxy sent
 * them, else the Host header and the request's own scheme.
 */
import type { Context } from "hono";

export function baseUrlOf(c: Context, override: string): string {
  if (override) return override.replace(/\/+$/, "");
  const url = new URL(c.req.url);
  const proto = c.req.header("x-forwarded-proto")?.split(",")[0].trim() || url.protocol.replace(":", "");
  const host = c.req.header("x-forwarded-host")?.split(",")[0].trim() || c.req.header("host") || url.host;
  return `${/^https?$/.test(proto) ? proto : "http"}://${host}`;
}
