import { FieldResolver, Float, Resolver, Root } from "type-graphql";
import { UserInputError } from "../errors/codes.js";
import { NumberArray } from "../schema/NumberArray.js";

export const MAX_PLAIN_VALUES = 20_480; // one full 5-band image at zoom 0

/** What a NumberArray field resolves from. */
export interface ArrayData {
  dtype: "float32" | "float64" | "uint8";
  shape: number[];
  data: Float32Array | Float64Array | Uint8Array;
}

export function arrayData(data: Float32Array | Float64Array | Uint8Array, shape: number[]): ArrayData {
  const dtype = data instanceof Float32Array ? "float32" : data instanceof Float64Array ? "float64" : "uint8";
  return { dtype, shape, data };
}

const littleEndian = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

@Resolver(() => NumberArray)
export class NumberArrayFields {
  @FieldResolver(() => String, { description: "Raw little-endian values, base64." })
  base64(@Root() array: ArrayData): string {
    if (!littleEndian) throw new Error("big-endian hosts are not supported");
    return Buffer.from(array.data.buffer, array.data.byteOffset, array.data.byteLength).toString("base64");
  }

  @FieldResolver(() => [Float], { nullable: "items", description: "The values as numbers, NaN as null; at most 20,480 values (one 5-band 64 x 64 image)." })
  values(@Root() array: ArrayData): (number | null)[] {
    if (array.data.length > MAX_PLAIN_VALUES) {
      throw new UserInputError([{ argument: "values", message: `${array.data.length} values are more than ${MAX_PLAIN_VALUES}; ask for base64, or a smaller size/zoom/bands` }]);
    }
    return Array.from(array.data, (v) => (Number.isNaN(v) ? null : v));
  }
}
