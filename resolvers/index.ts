import { GalaxyConnectionFields } from "./GalaxyConnectionFields.js";
import { GalaxyFields } from "./GalaxyFields.js";
import { GalaxyQueries } from "./GalaxyQueries.js";

export const resolvers = [GalaxyQueries, GalaxyFields, GalaxyConnectionFields] as const;
