/**
 * The real SDSS and HiSS-Cube files live in ../shared/data (beside the
 * repository, never copied into it). Tests that need them skip with this
 * reason when the folder is absent.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const sharedData = fileURLToPath(new URL("../../../../shared/data/", import.meta.url));

export function sharedDataMissing(sub: string): string | false {
  return existsSync(sharedData + sub) ? false : `${sharedData}${sub} is absent (real SDSS/HiSS-Cube files are not part of the repository)`;
}
