import { registerEnumType } from "type-graphql";

export enum Survey {
  SDSS = "SDSS",
  SYNTHETIC = "SYNTHETIC",
  HISSCUBE = "HISSCUBE",
}

registerEnumType(Survey, {
  name: "Survey",
  description: "Where a catalogue row came from. SYNTHETIC rows are made by the demo generator and are not real galaxies.",
});
