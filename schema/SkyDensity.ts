import { Field, Float, Int, ObjectType } from "type-graphql";

@ObjectType({ description: "One HEALPix cell (nested scheme) of a sky density map, with the galaxies in it." })
export class SkyDensityCell {
  @Field(() => Int, { description: "Nested HEALPix index at the map's order (healpix(order) of its galaxies)." })
  pixel!: number;

  @Field(() => Int, { description: "Galaxies in the cell." })
  count!: number;

  @Field(() => Float, { description: "RA of the cell's centre, ICRS degrees." })
  ra!: number;

  @Field(() => Float, { description: "Dec of the cell's centre, ICRS degrees." })
  dec!: number;
}

@ObjectType({ description: "Galaxies per HEALPix cell at one order: the catalogue's density on the sky. Cells without galaxies are left out." })
export class SkyDensity {
  @Field(() => Int, { description: "HEALPix order of the cells (nside = 2^order, 12·4^order cells of the whole sky)." })
  order!: number;

  @Field(() => Int, { description: "Galaxies counted (the sum of the cells' counts)." })
  total!: number;

  @Field(() => [SkyDensityCell], { description: "The cells holding galaxies, in index order." })
  cells!: SkyDensityCell[];
}
