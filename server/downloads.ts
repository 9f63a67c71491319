/**
 * REST downloads of the cube's data, for tools that do not speak GraphQL
 * (and, next, for the VO services):
 *   GET /cutouts/{id}.fits?zoom=&size=&bands=   primary HDU flux (NAXIS3 = bands), SIGMA and MASK extensions, TAN WCS
 *   GET /cutouts/{id}.png?zoom=&size=&annotate= g, r, i colour preview (asinh stretch), with title, scale bar and N/E compass unless annotate=0
 *   GET /spectra/{id}.fits?zoom=&bins=           binary table WAVELENGTH, FLUX, SIGMA, MASK with units
 *   GET /spectra/{id}.png?zoom=&bins=            flux against wavelength, ±1 sigma in grey
 * Errors as JSON { error: { code, message } } with the code's HTTP status
 * (bad view parameters, thrown by cube/views.ts, through app.onError).
 */
import type { Context as HonoContext } from "hono";
import { galaxiesByIds, isGalaxyId } from "../catalog/galaxies.js";
import { BAND_NAMES, type BandName } from "../cube/layout.js";
import type { CubeStore } from "../cube/cube-store.js";
import { imageView, spectrumView } from "../cube/views.js";
import type { Database } from "../db/database.js";
import { ErrorCode, httpStatusOf } from "../errors/codes.js";
import { fitsFile, type CardValue } from "../fits/write.js";
import { cutoutPng, spectrumPng } from "../render/previews.js";

function fail(c: HonoContext, code: ErrorCode, message: string): Response {
  return c.json({ error: { code, message } }, httpStatusOf[code] as 400);
}

function integerParam(c: HonoContext, name: string): number | null {
  const raw = c.req.query(name);
  return raw === undefined || raw === "" ? null : Number(raw);
}

async function galaxyFor(c: HonoContext, db: Database) {
  const id = c.req.param("id")!.replace(/\.(fits|png)$/, "");
  if (!isGalaxyId(id)) return { error: fail(c, ErrorCode.BAD_USER_INPUT, "id: must be a positive decimal integer") };
  const [galaxy] = await galaxiesByIds(db.sql, [id]);
  if (!galaxy) return { error: fail(c, ErrorCode.NOT_FOUND, `Galaxy "${id}" does not exist`) };
  return { galaxy };
}

function fitsResponse(bytes: Uint8Array, name: string): Response {
  return new Response(bytes, { headers: { "content-type": "application/fits", "content-disposition": `attachment; filename="${name}"` } });
}

function pngResponse(bytes: Uint8Array): Response {
  return new Response(bytes, { headers: { "content-type": "image/png" } });
}

const isPng = (c: HonoContext) => c.req.param("id")!.endsWith(".png");

export function cutoutDownload(db: Database, cube: CubeStore) {
  return async (c: HonoContext): Promise<Response> => {
    const { galaxy, error } = await galaxyFor(c, db);
    if (error) return error;
    if (!galaxy.hasImage || galaxy.cube === null) return fail(c, ErrorCode.NOT_FOUND, `Galaxy "${galaxy.id}" has no image`);
    const bandsParam = c.req.query("bands");
    const bands = bandsParam ? (bandsParam.split(",").map((b) => b.trim()) as BandName[]) : [...BAND_NAMES];
    await cube.verify([galaxy.cube]);
    const view = imageView(cube, galaxy.cube, { zoom: integerParam(c, "zoom"), size: integerParam(c, "size"), bands });
    if (isPng(c)) {
      if (!["g", "r", "i"].every((b) => view.bands.includes(b as BandName))) return fail(c, ErrorCode.BAD_USER_INPUT, "bands: a colour preview needs g, r and i");
      const annotate = c.req.query("annotate");
      if (annotate !== undefined && annotate !== "0" && annotate !== "1") return fail(c, ErrorCode.BAD_USER_INPUT, "annotate: 1 (title, scale bar, compass; the default) or 0 (the bare picture, for thumbnails)");
      return pngResponse(cutoutPng(view, Math.max(1, Math.ceil(256 / view.size)), annotate !== "0"));
    }
    const shape = [view.size, view.size, view.bands.length];
    const wcs: [string, CardValue, string?][] = view.wcs
      ? [
          ["CTYPE1", "RA---TAN"], ["CTYPE2", "DEC--TAN"], ["CUNIT1", "deg"], ["CUNIT2", "deg"],
          ["CRVAL1", view.wcs.crval1], ["CRVAL2", view.wcs.crval2], ["CRPIX1", view.wcs.crpix1], ["CRPIX2", view.wcs.crpix2],
          ["CD1_1", view.wcs.cd1_1], ["CD1_2", view.wcs.cd1_2], ["CD2_1", view.wcs.cd2_1], ["CD2_2", view.wcs.cd2_2],
          ["RADESYS", "ICRS"],
        ]
      : [];
    const cards: [string, CardValue, string?][] = [
      ...wcs,
      ["BUNIT", "nanomaggy", "flux per pixel"],
      ["BANDS", view.bands.join(","), "plane order along NAXIS3"],
      ["ZOOM", view.zoom, "cube level served (0 = 64 px)"],
      ["PIXSCALE", view.pixelScaleArcsec, "arcsec per pixel"],
      ["OBJECT", `skycube galaxy ${galaxy.id}`],
      ["SURVEY", galaxy.survey],
    ];
    const bytes = fitsFile({ shape, data: view.value, cards }, [], [], [
      { name: "SIGMA", shape, data: view.sigma, cards: [["BUNIT", "nanomaggy"]] },
      { name: "MASK", shape, data: view.mask, cards: [["MASKVAL", 1, "1 = no data, 0 = good"]] },
    ]);
    return fitsResponse(bytes, `cutout-${galaxy.id}-${view.size}px.fits`);
  };
}

export function spectrumDownload(db: Database, cube: CubeStore) {
  return async (c: HonoContext): Promise<Response> => {
    const { galaxy, error } = await galaxyFor(c, db);
    if (error) return error;
    if (!galaxy.hasSpectrum || galaxy.cube === null) return fail(c, ErrorCode.NOT_FOUND, `Galaxy "${galaxy.id}" has no spectrum`);
    await cube.verify([galaxy.cube]);
    const view = spectrumView(cube, galaxy.cube, { zoom: integerParam(c, "zoom"), bins: integerParam(c, "bins") });
    if (isPng(c)) return pngResponse(spectrumPng(view, 800, 300, galaxy.redshift));
    const bytes = fitsFile(null, [{
      name: "SPECTRUM",
      columns: [
        { name: "WAVELENGTH", format: "D", values: view.wavelengthAngstrom, unit: "Angstrom" },
        { name: "FLUX", format: "E", values: view.value, unit: "1e-17 erg/(s cm2 Angstrom)" },
        { name: "SIGMA", format: "E", values: view.sigma, unit: "1e-17 erg/(s cm2 Angstrom)" },
        { name: "MASK", format: "J", values: view.mask },
      ],
      cards: [["ZOOM", view.zoom], ["OBJECT", `skycube galaxy ${galaxy.id}`], ["REDSHIFT", galaxy.redshift ?? 0], ["SURVEY", galaxy.survey]],
    }], [["RA", galaxy.raDeg, "deg"], ["DEC", galaxy.decDeg, "deg"]]);
    return fitsResponse(bytes, `spectrum-${galaxy.id}-${view.value.length}.fits`);
  };
}
