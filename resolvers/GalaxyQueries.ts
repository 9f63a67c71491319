import { Arg, Args, Ctx, ID, Info, Int, Query, Resolver } from "type-graphql";
import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from "graphql";
import { coneSearch } from "../catalog/cone-search.js";
import { isGalaxyId, listGalaxies } from "../catalog/galaxies.js";
import type { GalaxyPart, GalaxyRecord } from "../catalog/galaxy-record.js";
import type { Page } from "../catalog/page.js";
import { NotFoundError, UserInputError } from "../errors/codes.js";
import { Galaxy } from "../schema/Galaxy.js";
import { GalaxyConnection } from "../schema/GalaxyConnection.js";
import { ConeSearchArgs } from "../schema/ConeSearchArgs.js";
import { GalaxiesArgs } from "../schema/GalaxiesArgs.js";
import type { Context } from "./context.js";
import type { PredictionFilter } from "../catalog/prediction-filter.js";
import type { PredictionFilterInput } from "../schema/PredictionFilter.js";
import { predictorByRef } from "./predictor-ref.js";
import { connectionComplexity } from "./connection.js";
import { MAX_DENSITY_ORDER, skyDensity, type SkyDensity as SkyDensityRecord } from "../catalog/sky-density.js";
import { SkyDensity } from "../schema/SkyDensity.js";
import { Survey } from "../schema/Survey.js";
import type { GalaxyPage } from "./GalaxyConnectionFields.js";

/** The filter with its predictor reference resolved to an id (NOT_FOUND / BAD_USER_INPUT with problems otherwise). */
async function resolvePredictionFilter(context: Context, filter: PredictionFilterInput | null | undefined): Promise<PredictionFilter | null> {
  if (!filter) return null;
  const { id } = await predictorByRef(context, filter.predictor, "prediction.predictor");
  return { predictorId: id, min: filter.min, max: filter.max, maxSigma: filter.maxSigma, inDomainOnly: filter.inDomainOnly };
}

/** Galaxy fields served from one column group of the row alone (no cube location, no other lookups). */
const FIELD_PARTS: Record<string, GalaxyPart | null> = {
  __typename: null,
  distance: null, // always read
  id: "id",
  survey: "survey",
  objid: "objid",
  specobjid: "specobjid",
  plate: "plate",
  mjd: "mjd",
  fiberid: "fiberid",
  ra: "raDeg",
  dec: "decDeg",
  healpix: "healpix29",
  redshift: "redshift",
  class: "class",
  sfr: "sfr",
  hasImage: "hasImage",
  hasSpectrum: "hasSpectrum",
};

/**
 * The parts of each node a connection's selection reads, when it asks for
 * plain fields only (edges { node { … } }, no fragments); undefined (the full
 * row) for anything else, so that fields needing more (image, prediction, …)
 * always find it.
 */
function selectedParts(info: GraphQLResolveInfo): Set<GalaxyPart> | undefined {
  const parts = new Set<GalaxyPart>();
  const plainFields = (set: SelectionSetNode | undefined, each: (name: string, inner: SelectionSetNode | undefined) => boolean): boolean =>
    set !== undefined && set.selections.every((s) => s.kind === Kind.FIELD && each(s.name.value, s.selectionSet));
  const nodeFields = (set: SelectionSetNode | undefined) =>
    plainFields(set, (name) => {
      const part = FIELD_PARTS[name];
      if (part === undefined) return false;
      if (part !== null) parts.add(part);
      return true;
    });
  const edgeFields = (set: SelectionSetNode | undefined) => plainFields(set, (name, inner) => name === "cursor" || name === "distance" || name === "__typename" || (name === "node" && nodeFields(inner)));
  const ok = info.fieldNodes.every((field) =>
    plainFields(field.selectionSet, (name, inner) => name === "pageInfo" || name === "totalCount" || name === "__typename" || (name === "edges" && edgeFields(inner))),
  );
  return ok ? parts : undefined;
}

@Resolver()
export class GalaxyQueries {
  @Query(() => Galaxy, { description: "One galaxy by id; NOT_FOUND (with problems) when there is none." })
  async galaxy(@Arg("id", () => ID) id: string, @Ctx() context: Context): Promise<GalaxyRecord> {
    if (!isGalaxyId(id)) throw new UserInputError([{ argument: "id", message: "must be a positive decimal integer" }]);
    const galaxy = await context.loaders.galaxy.load(id);
    if (galaxy === null) throw new NotFoundError("Galaxy", id);
    return galaxy;
  }

  @Query(() => GalaxyConnection, { description: "All galaxies matching a filter, in id order.", complexity: connectionComplexity })
  async galaxies(@Args(() => GalaxiesArgs) { first, after, filter, prediction }: GalaxiesArgs, @Ctx() context: Context): Promise<Page<GalaxyRecord>> {
    return listGalaxies(context.db.sql, { first, after, filter, prediction: await resolvePredictionFilter(context, prediction) }, context.settings);
  }

  @Query(() => GalaxyConnection, {
    description: "Galaxies within `radius` degrees of (ra, dec), nearest first; each node carries its `distance`.",
    complexity: connectionComplexity,
  })
  async coneSearch(@Args(() => ConeSearchArgs) args: ConeSearchArgs, @Ctx() context: Context, @Info() info: GraphQLResolveInfo): Promise<GalaxyPage> {
    const { ra, dec, radius, first, after } = args;
    const prediction = await resolvePredictionFilter(context, args.prediction);
    const page = await coneSearch(context.db.sql, { raDeg: ra, decDeg: dec, radiusDeg: radius, first, after, prediction, parts: selectedParts(info) }, context.settings);
    // The cone is the selection `bulk` downloads, unless a prediction filter narrows it (then: this page's ids).
    return { ...page, cone: prediction ? null : { ra, dec, radius } };
  }

  @Query(() => SkyDensity, { description: `Galaxies per HEALPix cell (nested) at \`order\` 0..${MAX_DENSITY_ORDER}, optionally of one survey: the catalogue's density on the sky (the explorer's map). Counted in the database on the nested index.` })
  async skyDensity(
    @Arg("survey", () => Survey, { nullable: true }) survey: Survey | null,
    @Arg("order", () => Int, { defaultValue: 5 }) order: number,
    @Ctx() context: Context,
  ): Promise<SkyDensityRecord> {
    return skyDensity(context.db.sql, order, survey ?? null);
  }
}
