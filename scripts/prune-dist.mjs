// Deletes compiled files in dist/ whose TypeScript source is gone, so an
// incremental build (tsc --incremental never deletes) leaves no stale test or
// module behind. Files of live sources are never touched: a running server
// keeps its modules.
import { existsSync, readdirSync, rmSync, utimesSync } from "node:fs";
import { join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const dist = join(root, "dist");

function walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path);
    else {
      const match = /^(.*)\.(js|d\.ts|js\.map)$/.exec(relative(dist, path));
      if (match && !existsSync(join(root, `${match[1]}.ts`))) rmSync(path);
    }
  }
}

if (existsSync(dist)) walk(dist);
// tsc leaves its build info untouched when nothing changed; the stamp says "built from these sources now".
const stamp = join(dist, ".tsbuildinfo");
if (existsSync(stamp)) utimesSync(stamp, new Date(), new Date());
