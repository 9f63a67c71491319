/** The query behind the galaxy card (shown on the page, so the card is also an API example). */
export const GALAXY_CARD_QUERY = `query GalaxyCard($id: ID!, $zoom: Int, $size: Int, $spectrumZoom: Int) {
  galaxy(id: $id) {
    id survey objid specobjid plate mjd fiberid ra dec redshift class
    sfr { avg median p2p5 p16 p84 p97p5 flag }
    hasImage hasSpectrum
    image(zoom: $zoom, size: $size) {
      zoom size bands pixelScale
      wcs { crval1 crval2 crpix1 crpix2 cd1_1 cd1_2 cd2_1 cd2_2 }
      flux { dtype shape base64 } sigma { dtype shape base64 } mask { dtype shape base64 }
    }
    spectrum(zoom: $spectrumZoom) {
      zoom length unit
      wavelength { dtype shape base64 } flux { dtype shape base64 }
      sigma { dtype shape base64 } mask { dtype shape base64 }
    }
    sources { role file plate mjd fiberid run camcol field band }
    predictionsConnection(first: 500) {
      totalCount
      edges { node {
        value sigma p16 p84 inDomain
        predictor { id name version aliases spec { kind modality features imageZoom spectrumZoom } metrics { count r2 rmse nmad coverage1Sigma } run { id } }
      } }
    }
  }
}`;

export interface Wcs { crval1: number; crval2: number; crpix1: number; crpix2: number; cd1_1: number; cd1_2: number; cd2_1: number; cd2_2: number }
type Encoded = { dtype: string; shape: number[]; base64: string };

export interface SfrLabel { avg: number | null; median: number | null; p2p5: number | null; p16: number | null; p84: number | null; p97p5: number | null; flag: number | null }

export interface PredictorSummary {
  id: string; name: string; version: number; aliases: string[]; spec: { kind: string; modality: string; features: string; imageZoom: number; spectrumZoom: number };
  metrics: { count: number; r2: number | null; rmse: number; nmad: number; coverage1Sigma: number | null } | null;
  run: { id: string };
}

export interface GalaxyCard {
  id: string; survey: string; objid: string | null; specobjid: string | null; plate: number | null; mjd: number | null; fiberid: number | null;
  ra: number; dec: number; redshift: number | null; class: string | null;
  sfr: SfrLabel;
  hasImage: boolean; hasSpectrum: boolean;
  image: { zoom: number; size: number; bands: string[]; pixelScale: number; wcs: Wcs | null; flux: Encoded; sigma: Encoded; mask: Encoded } | null;
  spectrum: { zoom: number; length: number; unit: string; wavelength: Encoded; flux: Encoded; sigma: Encoded; mask: Encoded } | null;
  sources: { role: string; file: string; band: string | null }[];
  predictionsConnection: { totalCount: number; edges: { node: { value: number; sigma: number; p16: number; p84: number; inDomain: boolean; predictor: PredictorSummary | null } }[] };
}
