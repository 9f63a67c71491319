/** A FITS file that does not follow the standard closely enough to be read. */
export class FitsError extends Error {
  override name = "FitsError";
}
