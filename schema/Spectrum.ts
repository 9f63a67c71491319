import { Field, Int, ObjectType } from "type-graphql";
import { NumberArray } from "./NumberArray.js";

@ObjectType({ description: "A galaxy's optical spectrum at one resolution, on HiSS-Cube's linear wavelength grid." })
export class Spectrum {
  @Field(() => Int, { description: "Precomputed zoom level served (0 = 4620 bins … 4 = 288), or the finer level an in-between length was computed from." })
  zoom!: number;
  @Field(() => Int, { description: "Number of bins." })
  length!: number;
  @Field(() => String, { description: "Unit of flux and sigma." })
  unit!: string;
  @Field(() => NumberArray, { description: "Bin centres, Angstrom (vacuum), float64." })
  wavelength!: unknown;
  @Field(() => NumberArray, { description: "Flux density (flux-conserving mean over each bin)." })
  flux!: unknown;
  @Field(() => NumberArray, { description: "1-sigma uncertainty of flux." })
  sigma!: unknown;
  @Field(() => NumberArray, { description: "1 where there is no data, else 0." })
  mask!: unknown;
}
