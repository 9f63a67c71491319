/**
 * The sky explorer (web/, built by Vite into web/dist): its pages and
 * hashed assets, and GraphiQL at GET /graphql for browsers. Every page is
 * the same app shell; the app reads the path and query string itself, so
 * each view is a shareable URL. Scripts' GraphQL requests are untouched:
 * only a GET that asks for HTML (Accept: text/html, as browsers navigating
 * do) and carries no `query` parameter gets the IDE.
 */
import { existsSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import type { Context, Hono, Next } from "hono";
import { landingPage } from "./landing.js";

/** web/dist, from dist/server/explorer.js. */
export const WEB_DIST = fileURLToPath(new URL("../../web/dist/", import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".html": "text/html; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
  ".map": "application/json",
};

const PAGE_PATHS = ["/", "/galaxy/:id{[0-9]+}", "/runs", "/runs/:id{[0-9]+}"];

function readPage(name: string): string | null {
  const path = join(WEB_DIST, name);
  return existsSync(path) ? readFileSync(path, "utf8") : null;
}

export function wantsHtml(c: Context): boolean {
  return c.req.method === "GET" && c.req.query("query") === undefined && (c.req.header("accept") ?? "").includes("text/html");
}

/** Mounts the explorer; must come before the /graphql route. Without a build, `/` falls back to the plain landing page. */
export function mountExplorer(app: Hono): void {
  const explorer = readPage("index.html");
  const ide = readPage("graphiql.html");
  const shell = explorer ?? landingPage();
  for (const path of PAGE_PATHS) app.get(path, (c) => c.html(shell));
  if (ide) {
    app.get("/graphql", async (c: Context, next: Next) => {
      if (!wantsHtml(c)) return next();
      return c.html(ide);
    });
  }
  app.get("/assets/*", async (c) => {
    // Only files under web/dist/assets; names carry a content hash, so they can be cached for good.
    const relative = normalize(c.req.path).replace(/^\/+/, "");
    if (!relative.startsWith("assets/") || relative.includes("..")) return c.notFound();
    try {
      const bytes = await readFile(join(WEB_DIST, relative));
      return new Response(bytes, {
        headers: {
          "content-type": CONTENT_TYPES[extname(relative)] ?? "application/octet-stream",
          "cache-control": "public, max-age=31536000, immutable",
        },
      });
    } catch {
      return c.notFound();
    }
  });
}
