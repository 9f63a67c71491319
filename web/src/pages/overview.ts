/**
 * `/`: the catalogue on the sky (galaxies per HEALPix cell), counts per survey, and the
 * cone search as a sortable, paged table beside a sky plot of the cone.
 * URL state: /?ra=&dec=&radius=[&predictor=][&colour=].
 */
import { colourValue, COLOUR_LABELS, conePlot, type ColourBy } from "../overview/cone-plot";
import { fetchCone, fetchCounts, SURVEYS, type ConeRow, type PredictorChoice } from "../overview/cone-query";
import { fetchSkyDensity, skyMap, type Cone } from "../overview/sky-map";
import { csvLink } from "../ui/csv";
import { DataTable, type Column } from "../ui/data-table";
import { formatNumber, h, showError } from "../ui/dom";

const PAGE_SIZE = 50;

interface OverviewState { cone: Cone | null; predictor: string | null; colour: ColourBy }

function stateFromUrl(): OverviewState {
  const params = new URLSearchParams(location.search);
  const [ra, dec, radius] = ["ra", "dec", "radius"].map((name) => (params.has(name) && params.get(name) !== "" ? Number(params.get(name)) : Number.NaN));
  const colour = (params.get("colour") ?? "") as ColourBy;
  return {
    cone: Number.isFinite(ra) && Number.isFinite(dec) ? { raDeg: ra, decDeg: dec, radiusDeg: Number.isFinite(radius) ? radius : 0.5 } : null,
    predictor: params.get("predictor") || null,
    colour: colour in COLOUR_LABELS ? colour : "prediction",
  };
}

function writeUrl(state: OverviewState): void {
  if (!state.cone) return;
  const params = new URLSearchParams({ ra: String(state.cone.raDeg), dec: String(state.cone.decDeg), radius: String(state.cone.radiusDeg) });
  if (state.predictor) params.set("predictor", state.predictor);
  if (state.colour !== "prediction") params.set("colour", state.colour);
  history.pushState(null, "", `/?${params}`);
}

function columns(withPrediction: boolean): Column<ConeRow>[] {
  const residual = (row: ConeRow) => (row.prediction && row.sfr.avg !== null ? row.prediction.value - row.sfr.avg : null);
  const list: Column<ConeRow>[] = [
    { key: "id", label: "id", value: (r) => Number(r.id), render: (r) => h("a", { href: `/galaxy/${r.id}` }, r.id), left: true },
    { key: "ra", label: "RA (°)", value: (r) => r.ra, render: (r) => r.ra.toFixed(5) },
    { key: "dec", label: "Dec (°)", value: (r) => r.dec, render: (r) => r.dec.toFixed(5) },
    { key: "distance", label: "distance (″)", value: (r) => r.distance, render: (r) => (r.distance * 3600).toFixed(1) },
    { key: "redshift", label: "z", value: (r) => r.redshift, render: (r) => formatNumber(r.redshift, 4) },
    { key: "class", label: "class", value: (r) => r.class, left: true },
    { key: "label", label: "label log SFR [p16, p84]", value: (r) => r.sfr.avg, render: (r) => (r.sfr.avg === null ? "–" : `${r.sfr.avg.toFixed(2)} [${formatNumber(r.sfr.p16)}, ${formatNumber(r.sfr.p84)}]`) },
  ];
  if (withPrediction) {
    list.push(
      { key: "prediction", label: "predicted ± σ", value: (r) => r.prediction?.value ?? null, render: (r) => (r.prediction ? `${r.prediction.value.toFixed(2)} ± ${r.prediction.sigma.toFixed(2)}` : "–") },
      { key: "residual", label: "residual", value: residual, render: (r) => formatNumber(residual(r)) },
    );
  }
  list.push({ key: "thumbnail", label: "g r i", value: () => null, sortable: false,
    render: (r) => (r.hasImage ? h("img", { src: `/cutouts/${r.id}.png?zoom=2&annotate=0`, width: 32, height: 32, loading: "lazy", alt: `g, r, i thumbnail of galaxy ${r.id}` }) : "–") });
  return list;
}

export async function renderOverviewPage(app: HTMLElement): Promise<void> {
  const state = stateFromUrl();
  const [{ counts, predictors }, density] = await Promise.all([fetchCounts(), fetchSkyDensity()]);
  if (!state.predictor && predictors.length > 0) state.predictor = predictors[predictors.length - 1].id;
  const mapSlot = h("div", { id: "map-slot" });
  const results = h("section", { id: "cone-results", "aria-live": "polite" });
  const form = coneForm(state, predictors);
  const drawMap = () => mapSlot.replaceChildren(skyMap(density, state.cone, (ra, dec) => {
    (form.elements.namedItem("ra") as HTMLInputElement).value = ra.toFixed(4);
    (form.elements.namedItem("dec") as HTMLInputElement).value = dec.toFixed(4);
  }));
  const search = async () => {
    drawMap();
    if (!state.cone) return;
    results.replaceChildren(h("p", { class: "muted" }, "Searching…"));
    try {
      const { total, rows } = await fetchCone(state.cone.raDeg, state.cone.decDeg, state.cone.radiusDeg, state.predictor);
      results.replaceChildren(...coneResults(state, total, rows, predictors));
      performance.mark("cone-rendered");
      app.dataset.rows = String(rows.length);
    } catch (error) {
      results.replaceChildren();
      showError(results, error);
    }
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(form);
    state.cone = { raDeg: Number(data.get("ra")), decDeg: Number(data.get("dec")), radiusDeg: Number(data.get("radius")) };
    state.predictor = (data.get("predictor") as string) || null;
    writeUrl(state);
    void search();
  });
  window.addEventListener("popstate", () => {
    Object.assign(state, stateFromUrl());
    void search();
  });
  const total = SURVEYS.reduce((sum, s) => sum + counts[s], 0);
  app.replaceChildren(
    h("h1", {}, "The catalogue on the sky"),
    h("div", { class: "row" }, mapSlot,
      h("div", {},
        h("h2", {}, "Galaxies per survey"),
        h("table", { class: "data", id: "survey-counts" }, h("tbody", {}, ...SURVEYS.map((s) => h("tr", {}, h("th", { scope: "row", class: "left" }, s), h("td", {}, counts[s].toLocaleString("en")))),
          h("tr", {}, h("th", { scope: "row", class: "left" }, "total"), h("td", {}, total.toLocaleString("en"))))),
        counts.SYNTHETIC > 0 ? h("p", { class: "note" }, "SYNTHETIC rows come from the demo generator: they are not real galaxies.") : "",
        h("p", {}, `${predictors.length} trained predictor${predictors.length === 1 ? "" : "s"} · `, h("a", { href: "/runs" }, "training runs")))),
    h("h2", {}, "Cone search"),
    form,
    results,
  );
  app.dataset.ready = "true";
  await search();
}

function coneForm(state: OverviewState, predictors: PredictorChoice[]): HTMLFormElement {
  const cone = state.cone ?? { raDeg: 0.5, decDeg: 0, radiusDeg: 1 };
  const field = (name: string, label: string, value: number, step: string) =>
    h("label", {}, label, h("input", { type: "number", name, value, step, required: true, id: `cone-${name}` }));
  return h("form", { class: "inline", id: "cone-form", "aria-label": "Cone search" },
    field("ra", "RA (°, ICRS)", cone.raDeg, "any"),
    field("dec", "Dec (°)", cone.decDeg, "any"),
    field("radius", "radius (°)", cone.radiusDeg, "any"),
    h("label", {}, "predictor", h("select", { name: "predictor", id: "cone-predictor" },
      h("option", { value: "" }, predictors.length === 0 ? "none trained yet" : "none"),
      ...predictors.map((p) => h("option", { value: p.id, selected: p.id === state.predictor }, `${p.id}: ${p.name}`)))),
    h("button", { type: "submit" }, "Search"),
  );
}

function coneResults(state: OverviewState, total: number, rows: ConeRow[], predictors: PredictorChoice[]): Node[] {
  const withPrediction = state.predictor !== null;
  const plotSlot = h("div", { id: "cone-plot-slot" });
  let selectedId: string | null = null;
  const colourSelect = h("select", { id: "cone-colour", "aria-label": "Colour the sky plot by" },
    ...(Object.keys(COLOUR_LABELS) as ColourBy[]).filter((k) => withPrediction || k === "label").map((k) => h("option", { value: k, selected: k === state.colour }, COLOUR_LABELS[k])));
  const colour = (): ColourBy => colourSelect.value as ColourBy;
  const table = new DataTable(columns(withPrediction), rows, {
    pageSize: PAGE_SIZE,
    caption: `Galaxies within ${state.cone!.radiusDeg}° of (${state.cone!.raDeg}, ${state.cone!.decDeg}), nearest first`,
    onSelect: (row) => { selectedId = row.id; drawPlot(); },
    onOpen: (row) => location.assign(`/galaxy/${row.id}`),
  });
  const drawPlot = () => plotSlot.replaceChildren(conePlot(rows, state.cone!, colour(), selectedId, (id) => table.select(id, true)));
  colourSelect.addEventListener("change", () => {
    state.colour = colour();
    history.replaceState(null, "", location.pathname + location.search.replace(/&colour=[^&]*/, "") + (state.colour === "prediction" ? "" : `&colour=${state.colour}`));
    drawPlot();
  });
  drawPlot();
  const predictor = predictors.find((p) => p.id === state.predictor);
  const csv = csvLink("cone.csv", "Download the table (CSV)", ["id", "ra_deg", "dec_deg", "distance_arcsec", "redshift", "class", "sfr_avg", "sfr_p16", "sfr_p84", "predicted", "predicted_sigma", "colour_value"],
    () => rows.map((r) => [r.id, r.ra, r.dec, r.distance * 3600, r.redshift, r.class, r.sfr.avg, r.sfr.p16, r.sfr.p84, r.prediction?.value, r.prediction?.sigma, colourValue(r, colour())]));
  return [
    h("p", { id: "cone-summary" }, `${total} galaxies in the cone`, rows.length < total ? ` (the nearest ${rows.length} shown)` : "",
      predictor ? ` · predictions of ${predictor.name} (${predictor.spec.kind}, ${predictor.spec.modality})` : "", " · ", csv,
      h("span", { class: "muted" }, " · ↑/↓ select, PageUp/PageDown turn pages, Enter opens")),
    h("div", { class: "row" }, table.element, h("div", {}, h("label", {}, "colour by ", colourSelect), plotSlot)),
  ];
}
