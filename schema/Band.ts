import { registerEnumType } from "type-graphql";

export enum Band {
  U = "u",
  G = "g",
  R = "r",
  I = "i",
  Z = "z",
}

registerEnumType(Band, { name: "Band", description: "SDSS imaging band." });
