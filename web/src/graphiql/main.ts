/**
 * GraphiQL, bundled: served at GET /graphql to browsers (Accept: text/html).
 * Queries go to POST /graphql as JSON, so CSRF protection stays on; the
 * Headers tab is passed through (e.g. Authorization for mutations).
 */
import { GraphiQL } from "graphiql";
import "graphiql/style.css";
import { createElement } from "react";
import { createRoot } from "react-dom/client";
import { EXAMPLE_TABS } from "./examples";

type FetcherParams = { query: string; operationName?: string | null; variables?: unknown };
type FetcherOptions = { headers?: Record<string, unknown> };

async function fetcher(params: FetcherParams, options?: FetcherOptions): Promise<unknown> {
  const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json" };
  for (const [key, value] of Object.entries(options?.headers ?? {})) headers[key] = String(value);
  const response = await fetch("/graphql", { method: "POST", headers, body: JSON.stringify(params) });
  return response.json();
}

const root = document.getElementById("graphiql");
if (!root) throw new Error("#graphiql is missing");
createRoot(root).render(createElement(GraphiQL, { fetcher, defaultTabs: EXAMPLE_TABS, defaultEditorToolsVisibility: true }));
