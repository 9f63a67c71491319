/** The executable GraphQL schema, built from the decorated classes. */
import "reflect-metadata";
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import { isInputObjectType, isObjectType, type GraphQLSchema } from "graphql";
import { buildSchema } from "type-graphql";
import { resolvers } from "../resolvers/index.js";
import { ONE_OF_INPUTS } from "../schema/Hyperparameters.js";

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

/**
 * graphql-js 16.15 knows @oneOf input objects (exactly one non-null field,
 * checked in validation and coercion), but type-graphql 2.0.0-rc.4 cannot
 * declare them: the flag is set on the built types, before the schema is
 * first validated.
 */
function markOneOfInputs(schema: GraphQLSchema): GraphQLSchema {
  for (const name of ONE_OF_INPUTS) {
    const type = schema.getType(name);
    if (!isInputObjectType(type)) throw new Error(`schema has no input ${name}`);
    (type as { isOneOf: boolean }).isOneOf = true;
  }
  return schema;
}

let cached: Promise<GraphQLSchema> | undefined;

export function graphqlSchema(): Promise<GraphQLSchema> {
  cached ??= buildSchema({ resolvers, validate: false }).then(markOneOfInputs).then(yieldBeforeCubeReads);
  return cached;
}
