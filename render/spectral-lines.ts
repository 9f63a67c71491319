/**
 * Emission and absorption lines marked on spectrum plots (the explorer and
 * the PNG previews), rest-frame vacuum wavelengths in Å (the cube's grid is
 * vacuum): emission lines as in ingest/synthetic/observe.ts and
 * models/features/spectrum-features.ts ([OII] is the 3726/3729 doublet's
 * centre); absorption lines from the SDSS line list (Ca II K 3934.8,
 * H 3969.6; Mg b triplet blend 5176.7; Na D doublet blend 5894.6).
 * Observed wavelength = rest × (1 + z).
 */
export interface SpectralLine {
  /** Label as astronomers write it. */
  name: string;
  /** Plain ASCII name for CSV files and test ids. */
  id: string;
  restAngstrom: number;
  kind: "emission" | "absorption";
  /** Strong lines the plot's y range must keep in view. */
  strong: boolean;
}

export const SPECTRAL_LINES: readonly SpectralLine[] = [
  { name: "[OII] 3727", id: "OII_3727", restAngstrom: 3728.5, kind: "emission", strong: true },
  { name: "Ca K", id: "CaII_K", restAngstrom: 3934.8, kind: "absorption", strong: false },
  { name: "Ca H", id: "CaII_H", restAngstrom: 3969.6, kind: "absorption", strong: false },
  { name: "Hβ", id: "Hbeta", restAngstrom: 4862.7, kind: "emission", strong: true },
  { name: "[OIII] 5007", id: "OIII_5007", restAngstrom: 5008.2, kind: "emission", strong: true },
  { name: "Mg b", id: "Mgb", restAngstrom: 5176.7, kind: "absorption", strong: false },
  { name: "Na D", id: "NaD", restAngstrom: 5894.6, kind: "absorption", strong: false },
  { name: "Hα", id: "Halpha", restAngstrom: 6564.6, kind: "emission", strong: true },
  { name: "[NII] 6584", id: "NII_6584", restAngstrom: 6585.3, kind: "emission", strong: true },
];

export function observedAngstrom(line: SpectralLine, redshift: number): number {
  return line.restAngstrom * (1 + redshift);
}
