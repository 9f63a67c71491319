/**
 * The columns of an SSA 1.1 queryData response (SSA 1.1 §8.5 and Table 4):
 * each FIELD carries the utype SSA clients read (pyvo: ssa:Target.Pos,
 * ssa:Access.Reference, ssa:Access.Format, ssa:DataID.Title, …). Spectral
 * values in metres, times in MJD days, positions in ICRS degrees.
 */
import type { GalaxyRecord } from "../../catalog/galaxy-record.js";
import { spectrumBins, WAVELENGTH_FIRST_ANGSTROM, WAVELENGTH_LAST_ANGSTROM } from "../../cube/zoom.js";
import { galaxyDid } from "../context.js";
import type { Field } from "../votable/field.js";
import type { SpectrumFormat } from "./parameters.js";

/** One row: a galaxy's spectrum served in one format at one zoom. */
export interface SpectrumRow {
  galaxy: GalaxyRecord;
  format: SpectrumFormat;
  zoom: number;
  base: string;
}

export interface SsaColumn {
  field: Field;
  value: (row: SpectrumRow) => unknown;
}

const METRES_PER_ANGSTROM = 1e-10;
/** Diameter of an SDSS plate fibre on the sky (3″; BOSS fibres are 2″). */
export const FIBRE_DIAMETER_DEG = 3 / 3600;
const MIME: Record<SpectrumFormat, string> = { fits: "application/fits", votable: "application/x-votable+xml" };

/** URL of the spectrum file in a format at a zoom. */
export function spectrumUrl(base: string, id: string, format: SpectrumFormat, zoom: number): string {
  return format === "fits" ? `${base}/spectra/${id}.fits?zoom=${zoom}` : `${base}/vo/ssa/spectra/${id}.xml?zoom=${zoom}`;
}

/** Approximate bytes of the file: FITS headers and 20-byte rows, or ~90 bytes of TABLEDATA per row. */
function estimatedBytes(format: SpectrumFormat, bins: number): number {
  return format === "fits" ? 3 * 2880 + Math.ceil((bins * 20) / 2880) * 2880 : 2000 + bins * 90;
}

const text = (name: string, utype: string, ucd: string | undefined, value: (row: SpectrumRow) => unknown, id?: string): SsaColumn => ({
  field: { name, datatype: "char", arraysize: "*", utype, ucd, id },
  value,
});
const real = (name: string, utype: string, ucd: string, unit: string | undefined, value: (row: SpectrumRow) => unknown): SsaColumn => ({
  field: { name, datatype: "double", utype, ucd, unit },
  value,
});

export const SSA_COLUMNS: SsaColumn[] = [
  text("obs_publisher_did", "ssa:Curation.PublisherDID", "meta.ref.ivoid", (r) => `${galaxyDid(r.galaxy.id)}#spectrum-${r.format}-${r.zoom}`, "obs_publisher_did"),
  text("galaxy_id", "ssa:Target.Name", "meta.id;src", (r) => r.galaxy.id),
  text("title", "ssa:DataID.Title", "meta.title;obs", (r) => `skycube galaxy ${r.galaxy.id} spectrum, zoom ${r.zoom} (${spectrumBins(r.zoom)} bins)`),
  text("access_url", "ssa:Access.Reference", "meta.ref.url", (r) => spectrumUrl(r.base, r.galaxy.id, r.format, r.zoom)),
  text("access_format", "ssa:Access.Format", "meta.code.mime", (r) => MIME[r.format]),
  { field: { name: "access_estsize", datatype: "long", unit: "byte", utype: "ssa:Access.Size", ucd: "phys.size;meta.file" }, value: (r) => estimatedBytes(r.format, spectrumBins(r.zoom)) },
  text("data_model", "ssa:Dataset.DataModel", "meta.code.class", () => "Spectrum-1.0"),
  text("dataset_type", "ssa:Dataset.Type", "meta.code.class", () => "Spectrum"),
  { field: { name: "dataset_length", datatype: "long", utype: "ssa:Dataset.Length", ucd: "meta.number" }, value: (r) => spectrumBins(r.zoom) },
  text("collection", "ssa:DataID.Collection", "meta.id", (r) => `skycube/${r.galaxy.survey}`),
  text("publisher", "ssa:Curation.Publisher", "meta.curation", () => "skycube"),
  { field: { name: "target_pos", datatype: "double", arraysize: "2", unit: "deg", utype: "ssa:Target.Pos", ucd: "pos.eq;src" }, value: (r) => `${r.galaxy.raDeg} ${r.galaxy.decDeg}` },
  real("redshift", "ssa:Target.Redshift", "src.redshift", undefined, (r) => r.galaxy.redshift),
  { field: { name: "location", datatype: "double", arraysize: "2", unit: "deg", utype: "ssa:Char.SpatialAxis.Coverage.Location.Value", ucd: "pos.eq" }, value: (r) => `${r.galaxy.raDeg} ${r.galaxy.decDeg}` },
  real("aperture", "ssa:Char.SpatialAxis.Coverage.Bounds.Extent", "instr.fov", "deg", () => FIBRE_DIAMETER_DEG),
  real("spectral_location", "ssa:Char.SpectralAxis.Coverage.Location.Value", "em.wl;instr.bandpass", "m", () => ((WAVELENGTH_FIRST_ANGSTROM + WAVELENGTH_LAST_ANGSTROM) / 2) * METRES_PER_ANGSTROM),
  real("spectral_extent", "ssa:Char.SpectralAxis.Coverage.Bounds.Extent", "em.wl;instr.bandwidth", "m", () => (WAVELENGTH_LAST_ANGSTROM - WAVELENGTH_FIRST_ANGSTROM) * METRES_PER_ANGSTROM),
  real("spectral_start", "ssa:Char.SpectralAxis.Coverage.Bounds.Start", "em.wl;stat.min", "m", () => WAVELENGTH_FIRST_ANGSTROM * METRES_PER_ANGSTROM),
  real("spectral_stop", "ssa:Char.SpectralAxis.Coverage.Bounds.Stop", "em.wl;stat.max", "m", () => WAVELENGTH_LAST_ANGSTROM * METRES_PER_ANGSTROM),
  real("time_location", "ssa:Char.TimeAxis.Coverage.Location.Value", "time.epoch", "d", (r) => r.galaxy.mjd),
  real("time_extent", "ssa:Char.TimeAxis.Coverage.Bounds.Extent", "time.duration", "s", () => null),
  text("spectral_ucd", "ssa:Char.SpectralAxis.Ucd", "meta.ucd", () => "em.wl"),
  text("spectral_unit", "ssa:Char.SpectralAxis.Unit", "meta.unit", () => "Angstrom"),
  text("flux_ucd", "ssa:Char.FluxAxis.Ucd", "meta.ucd", () => "phot.flux.density;em.wl"),
  text("flux_unit", "ssa:Char.FluxAxis.Unit", "meta.unit", () => "1e-17 erg/(s cm2 Angstrom)"),
  text("space_frame", "ssa:CoordSys.SpaceFrame.Name", "meta.code.frame", () => "ICRS"),
];

/** The SDSS spectral coverage in metres, for BAND constraints. */
export const SPECTRAL_COVERAGE_METRES: [number, number] = [WAVELENGTH_FIRST_ANGSTROM * METRES_PER_ANGSTROM, WAVELENGTH_LAST_ANGSTROM * METRES_PER_ANGSTROM];
