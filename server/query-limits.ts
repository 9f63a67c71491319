/**
 * Depth and cost limits, checked before any resolver runs. Each field costs 1;
 * connection fields multiply their children's cost by `first`.
 */
import type { ApolloServerPlugin } from "@apollo/server";
import { GraphQLError, type GraphQLSchema } from "graphql";
import depthLimit from "graphql-depth-limit";
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from "graphql-query-complexity";
import { ErrorCode } from "../errors/codes.js";

export function depthRule(maxDepth: number) {
  return depthLimit(maxDepth);
}

export function complexityPlugin(schema: GraphQLSchema, maxComplexity: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          let complexity: number;
          try {
            complexity = getComplexity({
              schema,
              query: document,
              operationName: request.operationName,
              variables: request.variables,
              estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
            });
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
