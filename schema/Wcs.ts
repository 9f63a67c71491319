import { Field, Float, ObjectType } from "type-graphql";

@ObjectType({ description: "FITS TAN (gnomonic) world coordinate system of an image, FITS conventions (pixel 1 centred on 1.0)." })
export class Wcs {
  @Field(() => Float, { description: "CRVAL1: right ascension of the reference point, degrees." })
  crval1!: number;
  @Field(() => Float, { description: "CRVAL2: declination of the reference point, degrees." })
  crval2!: number;
  @Field(() => Float, { description: "CRPIX1: reference pixel, column (1-based)." })
  crpix1!: number;
  @Field(() => Float, { description: "CRPIX2: reference pixel, row (1-based)." })
  crpix2!: number;
  @Field(() => Float, { name: "cd1_1", description: "CD1_1, degrees per pixel." })
  cd1_1!: number;
  @Field(() => Float, { name: "cd1_2", description: "CD1_2, degrees per pixel." })
  cd1_2!: number;
  @Field(() => Float, { name: "cd2_1", description: "CD2_1, degrees per pixel." })
  cd2_1!: number;
  @Field(() => Float, { name: "cd2_2", description: "CD2_2, degrees per pixel." })
  cd2_2!: number;
}
