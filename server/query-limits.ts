/**
 * Depth, cost and response-size limits, checked after the standard GraphQL
 * validation (so fragments are known to be acyclic) and before any resolver
 * runs; see query-measure.ts for what is counted.
 *
 * The measure depends on the document and on the variables passed to the
 * arguments that size a response (first, zoom, size, bands, bins), nothing
 * else, so it is computed once per (document, operation, those variables)
 * and cached: Apollo hands us the same DocumentNode for the same query text,
 * and scripts repeat the same query with other coordinates.
 */
import type { ApolloServerPlugin, HeaderMap } from "@apollo/server";
import { getVariableValues, GraphQLError, Kind, visit, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from "graphql";
import { CodedError, ErrorCode } from "../errors/codes.js";
import { graphqlErrorOf } from "./format-error.js";
import { measureOperation, NestingTooDeep, type Measure } from "./query-measure.js";

export interface QueryLimits {
  maxDepth: number;
  maxComplexity: number;
  maxResponseBytes: number;
}

const SIZING_ARGUMENTS = new Set(["first", "zoom", "size", "bands", "bins"]);
const MAX_CACHED_MEASURES_PER_DOCUMENT = 100;

/** Names of the variables used in (part of) an argument that sizes the response. */
function sizingVariables(document: DocumentNode): string[] {
  const names = new Set<string>();
  let inside = 0;
  visit(document, {
    Argument: {
      enter(node) {
        if (SIZING_ARGUMENTS.has(node.name.value)) inside++;
      },
      leave(node) {
        if (SIZING_ARGUMENTS.has(node.name.value)) inside--;
      },
    },
    Variable(node) {
      if (inside > 0) names.add(node.name.value);
    },
  });
  return [...names].sort();
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;
}

function tooComplex(message: string, extensions: Record<string, unknown>): GraphQLError {
  return graphqlErrorOf(new CodedError(ErrorCode.QUERY_TOO_COMPLEX, message, extensions));
}

/** Throws the coded error of the first limit a measure exceeds. */
export function checkMeasure(measure: Measure, limits: QueryLimits): void {
  if (measure.depth > limits.maxDepth) {
    throw new GraphQLError(`The operation has depth ${measure.depth}, which exceeds maximum operation depth of ${limits.maxDepth}`, {
      extensions: { code: "GRAPHQL_VALIDATION_FAILED", depth: measure.depth, limit: limits.maxDepth, http: { status: 400 } },
    });
  }
  if (measure.cost > limits.maxComplexity) {
    throw tooComplex(`Query cost ${measure.cost} exceeds the limit of ${limits.maxComplexity}; ask for fewer rows (first) or fewer fields`, {
      cost: measure.cost,
      limit: limits.maxComplexity,
    });
  }
  if (measure.bytes > limits.maxResponseBytes) {
    throw tooComplex(
      `The response would hold about ${megabytes(measure.bytes)} of image and spectrum arrays, more than the limit of ${megabytes(limits.maxResponseBytes)}; ` +
        "ask for less: a smaller page (first), a coarser zoom (or smaller size, fewer bands or bins), base64 instead of values, fewer parts (flux, sigma, mask), " +
        "or download in bulk (GET /cutouts/{id}.fits, /spectra/{id}.fits, or the VO services under /vo/)",
      { bytes: measure.bytes, limit: limits.maxResponseBytes },
    );
  }
}

/** `onMeasure`: told each operation's measure before it is checked (the request log records the cost). */
export function queryLimitsPlugin(schema: GraphQLSchema, limits: QueryLimits, onMeasure?: (headers: HeaderMap | undefined, measure: Measure) => void): ApolloServerPlugin {
  const caches = new WeakMap<DocumentNode, { variables: string[]; measures: Map<string, Measure> }>();

  /** The measure, or undefined when the variables do not coerce (execution then reports them before any resolver runs). */
  function measure(document: DocumentNode, operation: OperationDefinitionNode, operationName: string | undefined, raw: Record<string, unknown> | undefined): Measure | undefined {
    let cache = caches.get(document);
    if (!cache) {
      cache = { variables: sizingVariables(document), measures: new Map() };
      caches.set(document, cache);
    }
    const key = JSON.stringify([operationName ?? null, ...cache.variables.map((name) => raw?.[name] ?? null)]);
    let result = cache.measures.get(key);
    if (result === undefined) {
      const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], raw ?? {});
      if (coerced.errors) return undefined;
      try {
        result = measureOperation(schema, document, operation, coerced.coerced);
      } catch (error) {
        if (error instanceof NestingTooDeep) throw tooComplex(`The query's ${error.message}`, {});
        if (error instanceof GraphQLError) return undefined; // an argument that does not coerce: execution reports it
        throw error;
      }
      if (cache.measures.size >= MAX_CACHED_MEASURES_PER_DOCUMENT) cache.measures.clear();
      cache.measures.set(key, result);
    }
    return result;
  }

  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, operation }) {
          if (!operation || operation.kind !== Kind.OPERATION_DEFINITION) return;
          const result = measure(document, operation, request.operationName ?? undefined, request.variables);
          if (result) onMeasure?.(request.http?.headers, result);
          if (result) checkMeasure(result, limits);
        },
      };
    },
  };
}
