/**
 * The Virtual Observatory services, mounted under /vo on the server's Hono
 * app (one call from server/app.ts):
 *
 *   /vo/scs                 Simple Cone Search 1.03
 *   /vo/ssa                 Simple Spectral Access 1.1 (queryData, FORMAT=metadata)
 *   /vo/ssa/spectra/{id}.xml  a spectrum as a VOTable (SSA's VOTable serialisation)
 *   /vo/sia/query           Simple Image Access 2.0
 *   /vo/links               DataLink 1.1 {links}
 *   /vo/sfr/{id}.xml        the MPA-JHU SFR label (target of #derivation links)
 *   /vo/predictions/{id}.xml  the SFR each trained predictor gives it (#derivation)
 *   /vo/tap/sync            TAP 1.1 sync, the ADQL cone form only (VOSI also under /vo/tap/)
 *   /vo/availability, /vo/capabilities, /vo/tables   VOSI 1.1
 *   /vo/moc                 MOC 2.0 coverage of the catalogue
 */
import type { Hono } from "hono";
import type { Settings } from "../config/settings.js";
import type { CubeStore } from "../cube/cube-store.js";
import type { Database } from "../db/database.js";
import type { VoContext } from "./context.js";
import { linksService } from "./datalink/service.js";
import { predictionsVotable } from "./datalink/predictions.js";
import { sfrLabelVotable } from "./datalink/sfr-label.js";
import { mocService } from "./moc/service.js";
import { scsService } from "./scs/service.js";
import { capabilitiesService } from "./vosi/capabilities.js";
import { availabilityService } from "./vosi/availability.js";
import { tablesService } from "./vosi/tables.js";
import { siaService } from "./sia/service.js";
import { tapSyncService } from "./tap/service.js";
import { ssaService } from "./ssa/service.js";
import { spectrumVotable } from "./ssa/spectrum-votable.js";

export function mountVoRoutes(app: Hono, db: Database, cube: CubeStore, settings: Settings): void {
  const vo: VoContext = { db, cube, settings };
  app.on(["GET", "POST"], "/vo/scs", scsService(vo));
  app.on(["GET", "POST"], "/vo/ssa", ssaService(vo));
  app.on(["GET", "POST"], "/vo/sia/query", siaService(vo));
  // pyvo looks for capabilities beside the URL it is given (…/vo/sia) or below it.
  app.on(["GET", "POST"], "/vo/tap/sync", tapSyncService(vo));
  for (const prefix of ["/vo", "/vo/sia", "/vo/tap"]) {
    app.get(`${prefix}/capabilities`, capabilitiesService(vo, prefix));
    app.get(`${prefix}/availability`, availabilityService(vo));
    app.get(`${prefix}/tables`, tablesService());
  }
  app.get("/vo/moc", mocService(vo));
  app.on(["GET", "POST"], "/vo/links", linksService(vo));
  app.get("/vo/sfr/:id{[0-9]+\\.xml}", sfrLabelVotable(vo));
  app.get("/vo/predictions/:id{[0-9]+\\.xml}", predictionsVotable(vo));
  app.get("/vo/ssa/spectra/:id{[0-9]+\\.xml}", spectrumVotable(vo));
}
