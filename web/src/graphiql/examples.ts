/** The tabs GraphiQL opens with: the common tasks, each a working query. */
export interface ExampleTab {
  query: string;
}

export const EXAMPLE_TABS: ExampleTab[] = [
  {
    query: `# Galaxies within 0.5 degrees of a position, nearest first.
query ConeSearch {
  coneSearch(ra: 0.5, dec: 0, radius: 0.5, first: 10) {
    totalCount
    edges { node { id ra dec distance redshift class sfr { avg p16 p84 flag } } }
  }
}`,
  },
  {
    query: `# One galaxy: its label, predictions, and a small image and spectrum (base64 little-endian float32).
query Galaxy {
  galaxy(id: "1") {
    id survey ra dec redshift class
    sfr { avg p16 p84 flag }
    predictionsConnection(first: 10) { totalCount edges { node { p16 p50 p84 inDomain predictor { id name version } } } }
    image(zoom: 3, bands: [G, R, I]) { size bands flux { dtype shape base64 } }
    spectrum(zoom: 4) { length wavelength { base64 } flux { base64 } }
    sources { role file band }
  }
}`,
  },
  {
    query: `# The trained predictors and their test metrics.
{
  predictorsConnection(first: 20) {
    totalCount
    edges { node { id name version aliases spec { kind modality features imageZoom spectrumZoom target unit } metrics { r2 rmse nmad coverage1Sigma } } }
    pageInfo { hasNextPage endCursor }
  }
}`,
  },
  {
    query: `# Recent training runs and their progress.
{
  trainingRunsConnection(first: 5) {
    edges { node { id status progress stage spec { kind modality } metrics { r2 rmse } split { trainCount validationCount testCount } } }
    pageInfo { hasNextPage endCursor }
  }
}`,
  },
  {
    query: `# Start a run: needs the header  {"Authorization": "Bearer <API_TOKEN>"}  (Headers tab below).
mutation Train {
  trainPredictor(input: { kind: GBDT, modality: SPECTRUM, features: ENGINEERED, folds: 2 }) { id status }
}`,
  },
];
