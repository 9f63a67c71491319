/**
 * Depth and cost limits, checked before any resolver runs. Each field costs 1;
 * connection fields multiply their children's cost by `first`.
 *
 * The cost depends on the document and on the variables passed as `first`,
 * nothing else, so it is computed once per (document, operation, those
 * variables) and cached: Apollo hands us the same DocumentNode for the same
 * query text, and scripts repeat the same query with other coordinates.
 */
import type { ApolloServerPlugin } from "@apollo/server";
import { GraphQLError, visit, type DocumentNode, type GraphQLSchema } from "graphql";
import depthLimit from "graphql-depth-limit";
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from "graphql-query-complexity";
import { ErrorCode } from "../errors/codes.js";

export function depthRule(maxDepth: number) {
  return depthLimit(maxDepth);
}

/** Names of the variables used as (part of) a `first` argument. */
function costVariables(document: DocumentNode): string[] {
  const names = new Set<string>();
  let insideFirst = 0;
  visit(document, {
    Argument: {
      enter(node) {
        if (node.name.value === "first") insideFirst++;
      },
      leave(node) {
        if (node.name.value === "first") insideFirst--;
      },
    },
    Variable(node) {
      if (insideFirst > 0) names.add(node.name.value);
    },
  });
  return [...names].sort();
}

interface CostCache {
  variables: string[];
  costs: Map<string, number>;
}

const MAX_CACHED_COSTS_PER_DOCUMENT = 100;

export function complexityPlugin(schema: GraphQLSchema, maxComplexity: number): ApolloServerPlugin {
  const caches = new WeakMap<DocumentNode, CostCache>();
  const estimators = [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })];

  function cost(document: DocumentNode, operationName: string | undefined, variables: Record<string, unknown> | undefined): number {
    let cache = caches.get(document);
    if (!cache) {
      cache = { variables: costVariables(document), costs: new Map() };
      caches.set(document, cache);
    }
    const key = JSON.stringify([operationName ?? null, ...cache.variables.map((name) => variables?.[name] ?? null)]);
    let complexity = cache.costs.get(key);
    if (complexity === undefined) {
      complexity = getComplexity({ schema, query: document, operationName, variables, estimators });
      if (cache.costs.size >= MAX_CACHED_COSTS_PER_DOCUMENT) cache.costs.clear();
      cache.costs.set(key, complexity);
    }
    return complexity;
  }

  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          let complexity: number;
          try {
            complexity = cost(document, request.operationName ?? undefined, request.variables);
          } catch {
            // Variables that do not coerce: execution reports them as
            // BAD_USER_INPUT before any resolver runs, so nothing is spent.
            return;
          }
          if (complexity > maxComplexity) {
            throw new GraphQLError(`Query cost ${complexity} exceeds the limit of ${maxComplexity}; ask for fewer rows (first) or fewer fields`, {
              extensions: { code: ErrorCode.QUERY_TOO_COMPLEX, cost: complexity, limit: maxComplexity, http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}
