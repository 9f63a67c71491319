import { Field, Float, Int, ObjectType } from "type-graphql";
import { Band } from "./Band.js";
import { NumberArray } from "./NumberArray.js";
import { Wcs } from "./Wcs.js";

@ObjectType({ description: "A galaxy's cutout at one resolution. Arrays are band-major, then row, then column: shape [bands, size, size]." })
export class Image {
  @Field(() => Int, { description: "The precomputed zoom level served (0 = 64 px … 4 = 4 px), or the finer level an in-between size was computed from." })
  zoom!: number;
  @Field(() => Int, { description: "Pixels per side." })
  size!: number;
  @Field(() => [Band])
  bands!: Band[];
  @Field(() => Float, { name: "pixelScale", description: "Arcseconds per pixel." })
  pixelScaleArcsec!: number;
  @Field(() => Wcs, { nullable: true, description: "TAN WCS of this resolution (half-pixel rule applied)." })
  wcs!: Wcs | null;
  @Field(() => NumberArray, { description: "Flux, nanomaggies per pixel (mean of the finer pixels it covers)." })
  flux!: unknown;
  @Field(() => NumberArray, { description: "1-sigma uncertainty of flux, nanomaggies." })
  sigma!: unknown;
  @Field(() => NumberArray, { description: "1 where there is no data (flux and sigma NaN), else 0." })
  mask!: unknown;
}
