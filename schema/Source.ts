import { Field, Int, ObjectType, registerEnumType } from "type-graphql";
import { Band } from "./Band.js";

export enum SourceRole {
  SPECTRUM = "SPECTRUM",
  FRAME = "FRAME",
  CUBE = "CUBE",
}
registerEnumType(SourceRole, { name: "SourceRole", description: "SPECTRUM: a spectrum combined into the galaxy's spectrum; FRAME: an imaging frame its cutout was cut from; CUBE: an HDF5 cube it was read from." });

@ObjectType({ description: "A file that contributed to a galaxy's data." })
export class Source {
  @Field(() => SourceRole)
  role!: SourceRole;
  @Field(() => String, { description: "File name, e.g. spec-0266-51630-0168.fits or frame-r-002820-3-0122.fits.bz2." })
  file!: string;
  @Field(() => Int, { nullable: true })
  plate!: number | null;
  @Field(() => Int, { nullable: true })
  mjd!: number | null;
  @Field(() => Int, { nullable: true })
  fiberid!: number | null;
  @Field(() => Int, { nullable: true })
  run!: number | null;
  @Field(() => Int, { nullable: true })
  camcol!: number | null;
  @Field(() => Int, { nullable: true })
  field!: number | null;
  @Field(() => Band, { nullable: true, description: "Band of a frame; null for spectra and cubes." })
  band!: Band | null;
}
