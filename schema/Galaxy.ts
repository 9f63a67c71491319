import { Field, Float, ID, Int, ObjectType } from "type-graphql";
import { SfrLabel } from "./SfrLabel.js";
import { Survey } from "./Survey.js";

@ObjectType({ description: "A catalogued galaxy (or, for SDSS spectra, any spectroscopic object)." })
export class Galaxy {
  @Field(() => ID, { description: "Stable catalogue id." })
  id!: string;

  @Field(() => Survey)
  survey!: Survey;

  @Field(() => String, { nullable: true, description: "SDSS photometric object id (objID), decimal." })
  objid!: string | null;

  @Field(() => String, { nullable: true, description: "SDSS spectroscopic object id (specObjID), decimal." })
  specobjid!: string | null;

  @Field(() => Int, { nullable: true, description: "SDSS spectroscopic plate." })
  plate!: number | null;

  @Field(() => Int, { nullable: true, description: "SDSS MJD of the spectroscopic observation." })
  mjd!: number | null;

  @Field(() => Int, { nullable: true, description: "SDSS fibre id on the plate." })
  fiberid!: number | null;

  @Field(() => Float, { name: "ra", description: "Right ascension, ICRS, degrees in [0, 360)." })
  raDeg!: number;

  @Field(() => Float, { name: "dec", description: "Declination, ICRS, degrees in [-90, 90]." })
  decDeg!: number;

  @Field(() => Float, { nullable: true, description: "Spectroscopic redshift." })
  redshift!: number | null;

  @Field(() => String, { nullable: true, description: "Spectroscopic class (GALAXY, QSO, STAR)." })
  class!: string | null;

  @Field(() => SfrLabel, { description: "Star-formation-rate label; all fields null when unlabelled." })
  sfr!: SfrLabel;

  @Field(() => Boolean, { description: "Whether the cube holds a five-band image for it (else `image` is null)." })
  hasImage!: boolean;

  @Field(() => Boolean, { description: "Whether the cube holds a spectrum for it (else `spectrum` is null)." })
  hasSpectrum!: boolean;

  @Field(() => Float, {
    name: "distance",
    nullable: true,
    description: "Angular distance from the cone-search centre, degrees; null outside coneSearch.",
    deprecationReason: "Use GalaxyEdge.distance (coneSearch's edges); this field is null outside a cone search.",
  })
  distanceDeg!: number | null;
}
