/** The executable GraphQL schema, built from the decorated classes. */
import "reflect-metadata";
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import { isObjectType, type GraphQLSchema } from "graphql";
import { buildSchema } from "type-graphql";
import { resolvers } from "../resolvers/index.js";

/**
 * Fields that read the HDF5 cube synchronously (h5wasm has no async API).
 * A page of them would otherwise run as one long task — 182 zoom-0 cutouts
 * and spectra blocked /healthz for seconds — so each waits for its turn
 * (below), letting other requests in between reads.
 */
const CUBE_READING_FIELDS = [
  ["Galaxy", "image"],
  ["Galaxy", "spectrum"],
] as const;

/**
 * Turns for cube reads, one per turn of the event loop. setImmediate alone
 * is not enough: graphql-js resolves a whole page at once, so all its
 * immediates would run back to back in one check phase. Each turn is
 * scheduled only when the previous one has run, so it lands in the next
 * loop iteration, after pending I/O.
 */
let lastTurn: Promise<void> = Promise.resolve();
function nextTurn(): Promise<void> {
  const turn = lastTurn.then(() => yieldToEventLoop());
  lastTurn = turn;
  return turn;
}

function yieldBeforeCubeReads(schema: GraphQLSchema): GraphQLSchema {
  for (const [typeName, fieldName] of CUBE_READING_FIELDS) {
    const type = schema.getType(typeName);
    const field = isObjectType(type) ? type.getFields()[fieldName] : undefined;
    const resolve = field?.resolve;
    if (!field || !resolve) throw new Error(`schema has no resolver for ${typeName}.${fieldName}`);
    field.resolve = async (...args) => {
      await nextTurn();
      return resolve(...args);
    };
  }
  return schema;
}

let cached: Promise<GraphQLSchema> | undefined;

export function graphqlSchema(): Promise<GraphQLSchema> {
  cached ??= buildSchema({ resolvers, validate: false }).then(yieldBeforeCubeReads);
  return cached;
}
