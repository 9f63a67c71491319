/**
 * #progenitor links: the SDSS files a galaxy was made from (table
 * galaxy_sources), at the SDSS Science Archive Server (DR17 paths:
 * spectra/lite for spectra, photoObj/frames rerun 301 for frames).
 * HiSS-Cube files (role CUBE) are local and get no link.
 */
import type { SourceRecord } from "../../catalog/sources.js";
import type { Link } from "./link.js";

const SAS = "https://data.sdss.org/sas/dr17";
/** SDSS-I/II plates end below 3000; later plates are BOSS/eBOSS (run2d v5_13_2). */
const LAST_LEGACY_PLATE = 2974;
const pad = (n: number | null, width: number) => String(n ?? 0).padStart(width, "0");

export function sasUrl(source: SourceRecord): string | null {
  if (source.role === "SPECTRUM" && source.plate !== null) {
    const run2d = source.plate <= LAST_LEGACY_PLATE ? "sdss/spectro/redux/26" : "eboss/spectro/redux/v5_13_2";
    return `${SAS}/${run2d}/spectra/lite/${pad(source.plate, 4)}/${source.file}`;
  }
  if (source.role === "FRAME" && source.run !== null && source.camcol !== null) {
    return `${SAS}/eboss/photoObj/frames/301/${source.run}/${source.camcol}/${source.file}`;
  }
  return null;
}

export function progenitorLinks(sources: SourceRecord[], id: string): Link[] {
  return sources.flatMap((source): Link[] => {
    const url = sasUrl(source);
    if (url === null) return [];
    const spectrum = source.role === "SPECTRUM";
    return [{
      id,
      accessUrl: url,
      semantics: "#progenitor",
      description: spectrum ? `SDSS spectrum ${source.file}` : `SDSS ${source.band ?? ""}-band frame ${source.file}`,
      contentType: spectrum ? "application/fits" : "application/x-bzip2",
      contentQualifier: spectrum ? "spectrum" : "image",
    }];
  });
}
