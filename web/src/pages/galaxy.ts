/**
 * /galaxy/{id}: the evidence card of one galaxy. URL state:
 * ?zoom=0..4 | size=4..64 (image), szoom=0..4 (spectrum), from=&to= (Å window).
 */
import { graphql } from "../api/graphql";
import { imagePanel, type ImageChoice } from "../galaxy/images";
import { predictionsPanel } from "../galaxy/predictions";
import { GALAXY_CARD_QUERY, type GalaxyCard } from "../galaxy/query";
import { spectrumPanel } from "../galaxy/spectrum-panel";
import type { Window } from "../spectrum/window";
import { formatNumber, h } from "../ui/dom";

interface CardState {
  image: ImageChoice;
  spectrumZoom: number;
  window?: Window;
}

function intParam(params: URLSearchParams, name: string, low: number, high: number): number | null {
  const raw = params.get(name);
  if (raw === null || !/^\d+$/.test(raw)) return null;
  const value = Number(raw);
  return value >= low && value <= high ? value : null;
}

function stateFromUrl(): CardState {
  const params = new URLSearchParams(location.search);
  const from = Number(params.get("from"));
  const to = Number(params.get("to"));
  return {
    image: { zoom: intParam(params, "zoom", 0, 4) ?? 0, size: intParam(params, "size", 4, 64) },
    spectrumZoom: intParam(params, "szoom", 0, 4) ?? 0,
    window: params.has("from") && params.has("to") && to > from ? { fromAngstrom: from, toAngstrom: to } : undefined,
  };
}

function writeUrl(state: CardState): void {
  const params = new URLSearchParams();
  if (state.image.size !== null) params.set("size", String(state.image.size));
  else if (state.image.zoom !== 0) params.set("zoom", String(state.image.zoom));
  if (state.spectrumZoom !== 0) params.set("szoom", String(state.spectrumZoom));
  if (state.window) {
    params.set("from", state.window.fromAngstrom.toFixed(1));
    params.set("to", state.window.toAngstrom.toFixed(1));
  }
  const search = params.toString();
  history.replaceState(null, "", location.pathname + (search ? `?${search}` : ""));
}

export async function renderGalaxyPage(app: HTMLElement, id: string): Promise<void> {
  const state = stateFromUrl();
  const variables = () => ({ id, zoom: state.image.zoom, size: state.image.size, spectrumZoom: state.spectrumZoom });
  const { galaxy } = await graphql<{ galaxy: GalaxyCard }>(GALAXY_CARD_QUERY, variables());
  performance.mark("galaxy-data");
  document.title = `Galaxy ${galaxy.id} · skycube`;
  const redshift = galaxy.redshift ?? 0;

  const imageSlot = h("div", { id: "image-panel" });
  const spectrumSlot = h("div", { id: "spectrum-panel" });
  const reload = async (part: "image" | "spectrum") => {
    writeUrl(state);
    const { galaxy: fresh } = await graphql<{ galaxy: GalaxyCard }>(GALAXY_CARD_QUERY, variables());
    if (part === "image") drawImage(fresh);
    else drawSpectrum(fresh);
  };
  const drawImage = (card: GalaxyCard) => {
    imageSlot.replaceChildren(card.image
      ? imagePanel(card.image, state.image, (choice) => { state.image = choice; void reload("image"); })
      : h("p", { class: "muted" }, "No image in the cube for this galaxy."));
    downloads.replaceChildren(...downloadLinks(card, state));
  };
  const drawSpectrum = (card: GalaxyCard) => {
    if (!card.spectrum) {
      spectrumSlot.replaceChildren(h("p", { class: "muted" }, "No spectrum in the cube for this galaxy."));
      return;
    }
    const { element } = spectrumPanel(card.id, card.spectrum, redshift, state.window,
      (zoom) => { state.spectrumZoom = zoom; void reload("spectrum"); },
      (window) => { state.window = window; writeUrl(state); });
    spectrumSlot.replaceChildren(element);
    downloads.replaceChildren(...downloadLinks(card, state));
  };
  const downloads = h("ul", { id: "downloads" });

  app.replaceChildren(
    h("h1", {}, `Galaxy ${galaxy.id}`),
    ...(galaxy.survey === "SYNTHETIC" ? [h("p", { class: "note" }, "SYNTHETIC: made by the demo generator, not a real galaxy.")] : []),
    facts(galaxy),
    imageSlot,
    spectrumSlot,
    predictionsPanel(galaxy),
    h("section", { "aria-labelledby": "sources-title" }, h("h2", { id: "sources-title" }, "Sources and downloads"),
      galaxy.sources.length === 0 ? h("p", { class: "muted" }, "No source files (synthetic galaxy).")
        : h("ul", { id: "sources" }, ...galaxy.sources.map((s) => h("li", {}, `${s.role.toLowerCase()}: ${s.file}`))),
      downloads),
    h("section", { "aria-labelledby": "query-title" }, h("h2", { id: "query-title" }, "The GraphQL query of this card"),
      h("p", {}, "POST it to ", h("a", { href: "/graphql" }, "/graphql"), " with the variables below."),
      h("pre", { class: "query", id: "card-query" }, GALAXY_CARD_QUERY),
      h("pre", { class: "query" }, JSON.stringify(variables()))),
  );
  drawImage(galaxy);
  drawSpectrum(galaxy);
  performance.mark("galaxy-drawn");
  app.dataset.ready = "true";
}

function facts(galaxy: GalaxyCard): HTMLElement {
  const rows: [string, string][] = [
    ["survey", galaxy.survey],
    ["RA, Dec (ICRS)", `${galaxy.ra.toFixed(6)}°, ${galaxy.dec.toFixed(6)}°`],
    ["redshift", formatNumber(galaxy.redshift, 5)],
    ["class", galaxy.class ?? "–"],
    ["SDSS ids", [galaxy.objid && `objID ${galaxy.objid}`, galaxy.specobjid && `specObjID ${galaxy.specobjid}`, galaxy.plate !== null ? `plate-mjd-fiber ${galaxy.plate}-${galaxy.mjd}-${galaxy.fiberid}` : null].filter(Boolean).join(", ") || "–"],
  ];
  return h("dl", { class: "facts" }, ...rows.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]), h("dt", {}, "nearby"),
    h("dd", {}, h("a", { href: `/?ra=${galaxy.ra.toFixed(5)}&dec=${galaxy.dec.toFixed(5)}&radius=0.1` }, "cone search of 0.1° around it")));
}

function downloadLinks(galaxy: GalaxyCard, state: CardState): HTMLElement[] {
  const imageQuery = state.image.size !== null ? `size=${state.image.size}` : `zoom=${state.image.zoom}`;
  const links: [string, string][] = [];
  if (galaxy.hasImage) links.push([`/cutouts/${galaxy.id}.fits?${imageQuery}`, "cutout FITS (flux, SIGMA, MASK, TAN WCS)"], [`/cutouts/${galaxy.id}.png?${imageQuery}`, "cutout PNG (g, r, i)"]);
  if (galaxy.hasSpectrum) links.push([`/spectra/${galaxy.id}.fits?zoom=${state.spectrumZoom}`, "spectrum FITS (binary table)"], [`/spectra/${galaxy.id}.png?zoom=${state.spectrumZoom}`, "spectrum PNG"]);
  links.push([`/vo/links?ID=${galaxy.id}`, "VO DataLink {links} (VOTable)"]);
  return links.map(([href, label]) => h("li", {}, h("a", { href }, label)));
}
