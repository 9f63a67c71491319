/**
 * SDSS identifiers packed as DR8+ packs them (the SDSS schema browser,
 * "SpecObjAll.specObjID" and "PhotoObjAll.objID"):
 *   specObjID = plate << 50 | fiberID << 38 | (MJD − 50000) << 24 | run2d << 10
 *   objID     = skyVersion << 59 | rerun << 48 | run << 32 | camcol << 29 | field << 16 | id
 * (run2d as the integer 26, skyVersion 2 and rerun 301 as DR8's imaging).
 */
export function specObjid(plate: number, mjd: number, fiberid: number, run2d = 26): string {
  return ((BigInt(plate) << 50n) | (BigInt(fiberid) << 38n) | (BigInt(mjd - 50000) << 24n) | (BigInt(run2d) << 10n)).toString();
}

export function photometricObjid(run: number, camcol: number, field: number, id: number): string {
  return ((2n << 59n) | (301n << 48n) | (BigInt(run) << 32n) | (BigInt(camcol) << 29n) | (BigInt(field) << 16n) | BigInt(id)).toString();
}
