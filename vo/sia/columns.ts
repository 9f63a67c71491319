/**
 * ObsCore 1.1 columns of an SIA 2.0 response (SIA 2.0 §3, ObsCore 1.1
 * Table 1: names, units and UCDs as spelled there): one row per cutout of a
 * galaxy, per band and zoom level; access_url is the FITS cutout of that
 * band at that zoom.
 */
import type { GalaxyRecord } from "../../catalog/galaxy-record.js";
import { PIXEL_SCALE_ARCSEC, type BandName } from "../../cube/layout.js";
import { imageSize } from "../../cube/zoom.js";
import { galaxyDid } from "../context.js";
import { cutoutBytes } from "../datalink/products.js";
import type { Field } from "../votable/field.js";
import { SDSS_PASSBANDS } from "./bands.js";

/** A (band, zoom) product every galaxy with an image has. */
export interface CutoutTemplate {
  band: BandName;
  zoom: number;
}

export interface CutoutRow extends CutoutTemplate {
  galaxy: GalaxyRecord;
  base: string;
}

/** SDSS imaging exposure per band, seconds (drift scan, 54 s). */
export const SDSS_EXPOSURE_S = 53.907456;
/** Median SDSS r-band seeing, arcsec. */
const SEEING_ARCSEC = 1.4;

export const fovDeg = (zoom: number) => (imageSize(zoom) * PIXEL_SCALE_ARCSEC * 2 ** zoom) / 3600;
export const pixelScaleDeg = (zoom: number) => (PIXEL_SCALE_ARCSEC * 2 ** zoom) / 3600;
/** Spatial resolution: the seeing, or two pixels when they are coarser (Nyquist). */
export const resolutionDeg = (zoom: number) => Math.max(SEEING_ARCSEC / 3600, 2 * pixelScaleDeg(zoom));
export const cutoutDid = (row: CutoutRow) => `${galaxyDid(row.galaxy.id)}#cutout-${row.band}-${row.zoom}`;
export const collectionOf = (galaxy: GalaxyRecord) => `skycube/${galaxy.survey}`;

/** STC-S polygon of the cutout's footprint (square, north up), degrees. */
function region(row: CutoutRow): string {
  const half = fovDeg(row.zoom) / 2;
  const { raDeg, decDeg } = row.galaxy;
  const dRa = half / Math.max(Math.cos((decDeg * Math.PI) / 180), 1e-6);
  const corners = [[raDeg + dRa, decDeg - half], [raDeg - dRa, decDeg - half], [raDeg - dRa, decDeg + half], [raDeg + dRa, decDeg + half]];
  return `Polygon ICRS ${corners.map(([a, d]) => `${(((a % 360) + 360) % 360).toFixed(7)} ${Math.max(-90, Math.min(90, d)).toFixed(7)}`).join(" ")}`;
}

interface SiaColumn {
  field: Field;
  value: (row: CutoutRow) => unknown;
}

const text = (name: string, ucd: string, value: (row: CutoutRow) => unknown, more: Partial<Field> = {}): SiaColumn => ({ field: { name, datatype: "char", arraysize: "*", ucd, ...more }, value });
const real = (name: string, ucd: string, unit: string | undefined, value: (row: CutoutRow) => unknown): SiaColumn => ({ field: { name, datatype: "double", ucd, unit }, value });
const integer = (name: string, ucd: string, value: (row: CutoutRow) => unknown, unit?: string): SiaColumn => ({ field: { name, datatype: "long", ucd, unit }, value });

export const SIA_COLUMNS: SiaColumn[] = [
  text("dataproduct_type", "meta.code.class", () => "image", { utype: "obscore:ObsDataset.dataProductType" }),
  { field: { name: "calib_level", datatype: "short", ucd: "meta.code;obs.calib", utype: "obscore:ObsDataset.calibLevel" }, value: () => 2 },
  text("obs_collection", "meta.id", (r) => collectionOf(r.galaxy), { utype: "obscore:DataID.Collection" }),
  text("obs_id", "meta.id", (r) => `${r.galaxy.id}-${r.band}-${r.zoom}`, { utype: "obscore:DataID.observationID" }),
  text("obs_publisher_did", "meta.ref.ivoid", cutoutDid, { utype: "obscore:Curation.PublisherDID", id: "obs_publisher_did" }),
  text("access_url", "meta.ref.url", (r) => `${r.base}/cutouts/${r.galaxy.id}.fits?zoom=${r.zoom}&bands=${r.band}`, { utype: "obscore:Access.Reference" }),
  text("access_format", "meta.code.mime", () => "application/fits", { utype: "obscore:Access.Format" }),
  integer("access_estsize", "phys.size;meta.file", (r) => Math.ceil(cutoutBytes(r.zoom, 1) / 1024), "kbyte"),
  text("target_name", "meta.id;src", (r) => `skycube galaxy ${r.galaxy.id}`, { utype: "obscore:Target.Name" }),
  real("s_ra", "pos.eq.ra", "deg", (r) => r.galaxy.raDeg),
  real("s_dec", "pos.eq.dec", "deg", (r) => r.galaxy.decDeg),
  real("s_fov", "phys.angSize;instr.fov", "deg", (r) => fovDeg(r.zoom)),
  text("s_region", "pos.outline;obs.field", region, { xtype: "adql:REGION" }),
  real("s_resolution", "pos.angResolution", "deg", (r) => resolutionDeg(r.zoom)),
  integer("s_xel1", "meta.number", (r) => imageSize(r.zoom)),
  integer("s_xel2", "meta.number", (r) => imageSize(r.zoom)),
  real("s_pixel_scale", "phys.angSize;instr.pixel", "deg", (r) => pixelScaleDeg(r.zoom)),
  real("t_min", "time.start;obs.exposure", "d", () => null),
  real("t_max", "time.end;obs.exposure", "d", () => null),
  real("t_exptime", "time.duration;obs.exposure", "s", () => SDSS_EXPOSURE_S),
  real("t_resolution", "time.resolution", "s", () => null),
  integer("t_xel", "meta.number", () => 1),
  real("em_min", "em.wl;stat.min", "m", (r) => SDSS_PASSBANDS[r.band].minMetres),
  real("em_max", "em.wl;stat.max", "m", (r) => SDSS_PASSBANDS[r.band].maxMetres),
  real("em_res_power", "spect.resolution", undefined, (r) => SDSS_PASSBANDS[r.band].effectiveMetres / (SDSS_PASSBANDS[r.band].maxMetres - SDSS_PASSBANDS[r.band].minMetres)),
  integer("em_xel", "meta.number", () => 1),
  text("em_ucd", "meta.ucd", () => "em.opt"),
  text("o_ucd", "meta.ucd", () => "phot.flux"),
  text("pol_states", "meta.code;phys.polarization", () => null),
  integer("pol_xel", "meta.number", () => null),
  text("facility_name", "meta.id;instr.tel", (r) => (r.galaxy.survey === "SYNTHETIC" ? "skycube synthetic survey" : "SDSS 2.5m")),
  text("instrument_name", "meta.id;instr", (r) => (r.galaxy.survey === "SYNTHETIC" ? "simulated SDSS imaging camera" : "SDSS imaging camera")),
  text("band", "instr.bandpass", (r) => r.band),
  { field: { name: "zoom", datatype: "short", ucd: "meta.code", description: "skycube cube level: 64, 32, 16, 8, 4 px per side" }, value: (r) => r.zoom },
];
