// Builds web/ into web/dist with Vite, unless nothing it is made from has
// changed since the last build (so `npm run build` stays quick): the sources
// under web/, and package-lock.json (library versions).
import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const stamp = join(here, "dist", ".built");

function newest(path) {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let latest = 0;
  for (const name of readdirSync(path)) {
    if (name === "dist" || name === "node_modules") continue;
    latest = Math.max(latest, newest(join(path, name)));
  }
  return latest;
}

const inputs = Math.max(newest(here), newest(join(here, "..", "package-lock.json")));
if (existsSync(stamp) && statSync(stamp).mtimeMs >= inputs && process.argv[2] !== "--force") process.exit(0);
// Type-check the page code first (Vite only strips types).
try {
  execFileSync(process.execPath, [join(here, "..", "node_modules", "typescript", "bin", "tsc"), "-p", here], { stdio: "inherit" });
} catch {
  console.error("web/: type errors (above)");
  process.exit(1);
}
const { build } = await import("vite");
await build({ configFile: join(here, "vite.config.ts") });
writeFileSync(stamp, new Date().toISOString() + "\n");
