import { GalaxyConnectionFields } from "./GalaxyConnectionFields.js";
import { GalaxyCubeFields } from "./GalaxyCubeFields.js";
import { NumberArrayFields } from "./NumberArrayFields.js";
import { GalaxyFields } from "./GalaxyFields.js";
import { GalaxyQueries } from "./GalaxyQueries.js";

export const resolvers = [GalaxyQueries, GalaxyFields, GalaxyConnectionFields, GalaxyCubeFields, NumberArrayFields] as const;
