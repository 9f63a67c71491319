import { Field, Float, Int, ObjectType } from "type-graphql";

@ObjectType({
  description:
    "A numeric array. `base64` holds the raw little-endian values (decode with the dtype, reshape with shape, C order); `values` gives them as plain numbers (NaN as null) for arrays of at most 20,480 values (one 5-band 64 x 64 image).",
})
export class NumberArray {
  @Field(() => String, { description: "float32, float64 or uint8." })
  dtype!: string;

  @Field(() => [Int], { description: "Dimensions, slowest first." })
  shape!: number[];
}
