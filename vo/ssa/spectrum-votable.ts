/**
 * A spectrum as a VOTable (the SSA "compliant" serialisation, Spectrum Data
 * Model 1.1 utypes): GET /vo/ssa/spectra/{id}.xml?zoom=&bins=, columns
 * WAVELENGTH (Angstrom), FLUX and SIGMA (1e-17 erg s⁻¹ cm⁻² Å⁻¹), MASK (1 = no data).
 */
import type { Context } from "hono";
import { galaxiesByIds, isGalaxyId } from "../../catalog/galaxies.js";
import { spectrumView } from "../../cube/views.js";
import { ErrorCode } from "../../errors/codes.js";
import type { VoContext } from "../context.js";
import { faultResponse, VoUsageError } from "../faults.js";
import { parseNumber } from "../params.js";
import { textParam } from "../votable/field.js";
import { votableResponse } from "../votable/writer.js";

const FLUX_UNIT = "1e-17erg.s-1.cm-2.Angstrom-1";

export function spectrumVotable(vo: VoContext) {
  return async (c: Context): Promise<Response> => {
    try {
      const id = c.req.param("id")!.replace(/\.xml$/, "");
      if (!isGalaxyId(id)) throw new VoUsageError("id: must be a positive decimal integer");
      const [galaxy] = await galaxiesByIds(vo.db.sql, [id]);
      if (!galaxy || !galaxy.hasSpectrum || galaxy.cube === null) throw new VoUsageError(`Galaxy "${id}" has no spectrum`, ErrorCode.NOT_FOUND);
      const number = (name: string) => (c.req.query(name) === undefined ? null : parseNumber(c.req.query(name)));
      await vo.cube.verify([galaxy.cube]);
      const view = spectrumView(vo.cube, galaxy.cube, { zoom: number("zoom"), bins: number("bins") });
      return votableResponse({
        description: `skycube galaxy ${galaxy.id} spectrum`,
        params: [
          textParam("Target.Name", `skycube galaxy ${galaxy.id}`, { utype: "spec:Spectrum.Target.Name", ucd: "meta.id;src" }),
          { name: "Target.Pos", datatype: "double", arraysize: "2", unit: "deg", utype: "spec:Spectrum.Target.Pos", ucd: "pos.eq;src", value: `${galaxy.raDeg} ${galaxy.decDeg}` },
          { name: "Zoom", datatype: "int", value: String(view.zoom), description: "cube level served" },
        ],
        tableName: "spectrum",
        fields: [
          { name: "WAVELENGTH", datatype: "double", unit: "Angstrom", ucd: "em.wl", utype: "spec:Spectrum.Data.SpectralAxis.Value" },
          { name: "FLUX", datatype: "float", unit: FLUX_UNIT, ucd: "phot.flux.density;em.wl", utype: "spec:Spectrum.Data.FluxAxis.Value" },
          { name: "SIGMA", datatype: "float", unit: FLUX_UNIT, ucd: "stat.error;phot.flux.density;em.wl", utype: "spec:Spectrum.Data.FluxAxis.Accuracy.StatError" },
          { name: "MASK", datatype: "short", ucd: "meta.code.qual", description: "1 = no data (flux and sigma are then null)" },
        ],
        rows: (function* () {
          for (let i = 0; i < view.value.length; i++) yield [view.wavelengthAngstrom[i], view.value[i], view.sigma[i], view.mask[i]];
        })(),
      });
    } catch (error) {
      return faultResponse(error);
    }
  };
}
