import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from "type-graphql";
import { DETECTION_SIGMA, MIN_SOURCE_PIXELS } from "../models/features/source-detection.js";
import type { SourceRecord } from "../catalog/sources.js";
import { Source } from "../schema/Source.js";
import type { Context } from "./context.js";
import type { GalaxyRecord } from "../catalog/galaxy-record.js";
import { UserInputError } from "../errors/codes.js";
import { Galaxy } from "../schema/Galaxy.js";
import { degrade, isValidOrder, MAX_ORDER } from "../sky/healpix.js";

@Resolver(() => Galaxy)
export class GalaxyFields {
  @FieldResolver(() => String, {
    description: "Nested HEALPix index of the cell holding the galaxy at `order` (0..29, nside = 2^order), as a decimal string (it exceeds 2^53).",
  })
  healpix(@Root() galaxy: GalaxyRecord, @Arg("order", () => Int, { defaultValue: MAX_ORDER }) order: number): string {
    if (!isValidOrder(order)) throw new UserInputError([{ argument: "order", message: `must be an integer in [0, ${MAX_ORDER}]` }]);
    return degrade(BigInt(galaxy.healpix29), order).toString();
  }

  @FieldResolver(() => [Source], { description: "The SDSS files (spectra, frames) or cubes this galaxy's data came from; empty for synthetic galaxies." })
  sources(@Root() galaxy: GalaxyRecord, @Ctx() context: Context): Promise<SourceRecord[]> {
    return context.loaders.sources.load(galaxy.id);
  }

  @FieldResolver(() => Int, {
    nullable: true,
    description: `Sources in the r-band zoom-0 cutout: 8-connected groups of at least ${MIN_SOURCE_PIXELS} pixels whose 3 × 3 signal-to-noise is ≥ ${DETECTION_SIGMA} (README, multi-object cutouts). Computed on first read and stored; null without an image.`,
  })
  sourceCount(@Root() galaxy: GalaxyRecord, @Ctx() context: Context): Promise<number | null> {
    return galaxy.hasImage ? context.loaders.sourceCount.load(galaxy.id) : Promise.resolve(null);
  }

  @FieldResolver(() => Boolean, { nullable: true, description: "Whether the cutout holds more than one source (sourceCount > 1); null without an image. Runs and experiments can leave such galaxies out (excludeBlended)." })
  async blended(@Root() galaxy: GalaxyRecord, @Ctx() context: Context): Promise<boolean | null> {
    if (!galaxy.hasImage) return null;
    const count = await context.loaders.sourceCount.load(galaxy.id);
    return count === null ? null : count > 1;
  }
}
