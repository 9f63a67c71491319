/**
 * The one data path of every page: the public GraphQL API at POST /graphql
 * (JSON body, so Apollo's CSRF protection is satisfied without extra headers).
 */
export interface GraphqlError {
  message: string;
  extensions?: { code?: string };
}

export class ApiError extends Error {
  constructor(readonly errors: GraphqlError[]) {
    super(errors.map((e) => `${e.extensions?.code ?? "ERROR"}: ${e.message}`).join("; "));
  }
}

export async function graphql<T>(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<T> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch("/graphql", { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  const body = (await response.json()) as { data?: T; errors?: GraphqlError[] };
  if (body.errors && body.errors.length > 0) throw new ApiError(body.errors);
  if (!body.data) throw new Error(`GraphQL answered HTTP ${response.status} without data`);
  return body.data;
}
