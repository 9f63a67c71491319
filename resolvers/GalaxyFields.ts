import { Arg, FieldResolver, Int, Resolver, Root } from "type-graphql";
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
}
