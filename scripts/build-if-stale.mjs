// `npm start` / `npm run cli` / `npm run worker`: compile only when a source
// is newer than the last build (dist/.tsbuildinfo), and then incrementally;
// dist/ is never deleted, so a running server keeps its files.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const stamp = join(root, "dist/.tsbuildinfo");

function newestMs(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMs(path));
    else if (/\.(ts|json)$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

const { include } = JSON.parse(readFileSync(join(root, "tsconfig.json"), "utf8"));
const sourcesMs = Math.max(
  statSync(join(root, "tsconfig.json")).mtimeMs,
  statSync(join(root, "package.json")).mtimeMs,
  ...include.filter((dir) => existsSync(join(root, dir))).map((dir) => newestMs(join(root, dir))),
);
if (!existsSync(stamp) || statSync(stamp).mtimeMs < sourcesMs) {
  execFileSync("npm", ["run", "build", "--silent"], { cwd: root, stdio: "inherit" });
}
