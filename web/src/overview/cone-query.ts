/** The overview's queries: counts per survey, the predictors, and the cone search (one page of up to 500). */
import { graphql } from "../api/graphql";

export const SURVEYS = ["SDSS", "SYNTHETIC", "HISSCUBE"] as const;

export const COUNTS_QUERY = `{ ${SURVEYS.map((s) => `${s}: galaxies(first: 0, filter: { survey: ${s} }) { totalCount }`).join(" ")}
  predictorsConnection(first: 500) { edges { node { id name spec { kind modality } } } } }`;

export const CONE_QUERY = `query Cone($ra: Float!, $dec: Float!, $radius: Float!, $first: Int!, $predictor: ID!, $withPrediction: Boolean!) {
  coneSearch(ra: $ra, dec: $dec, radius: $radius, first: $first) {
    totalCount
    edges { node {
      id ra dec distance redshift class hasImage hasSpectrum
      sfr { avg p16 p84 flag }
      prediction(predictor: $predictor) @include(if: $withPrediction) { value sigma }
    } }
  }
}`;

export interface ConeRow {
  id: string; ra: number; dec: number; distance: number; redshift: number | null; class: string | null; hasImage: boolean; hasSpectrum: boolean;
  sfr: { avg: number | null; p16: number | null; p84: number | null; flag: number | null };
  prediction?: { value: number; sigma: number } | null;
}

export interface PredictorChoice { id: string; name: string; spec: { kind: string; modality: string } }

export async function fetchCounts(): Promise<{ counts: Record<string, number>; predictors: PredictorChoice[] }> {
  const data = await graphql<Record<string, { totalCount: number }> & { predictorsConnection: { edges: { node: PredictorChoice }[] } }>(COUNTS_QUERY);
  const counts: Record<string, number> = {};
  for (const survey of SURVEYS) counts[survey] = (data[survey] as { totalCount: number }).totalCount;
  return { counts, predictors: data.predictorsConnection.edges.map((e) => e.node) };
}

export async function fetchCone(raDeg: number, decDeg: number, radiusDeg: number, predictor: string | null, first = 500): Promise<{ total: number; rows: ConeRow[] }> {
  const data = await graphql<{ coneSearch: { totalCount: number; edges: { node: ConeRow }[] } }>(CONE_QUERY, {
    ra: raDeg, dec: decDeg, radius: radiusDeg, first, predictor: predictor ?? "0", withPrediction: predictor !== null,
  });
  return { total: data.coneSearch.totalCount, rows: data.coneSearch.edges.map((e) => e.node) };
}
