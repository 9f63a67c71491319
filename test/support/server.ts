/** A real server on a free port over a test database, and a GraphQL client for it. */
import { loadSettings, type Settings } from "../../config/settings.js";
import { startServer, type RunningServer } from "../../server/start.js";
import { silentLog, type EventLog } from "../../types/event-log.js";
import type { TestDatabase } from "./databases.js";

export interface GraphqlResponse<T = Record<string, any>> {
  status: number;
  data?: T | null;
  errors?: { message: string; path?: string[]; extensions: { code: string; [key: string]: unknown } }[];
}

export interface TestServer extends RunningServer {
  graphql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphqlResponse<T>>;
}

/** `eventLog`: where the JSON log goes (nowhere by default). */
export async function startTestServer(db: TestDatabase, overrides: Partial<Settings> = {}, eventLog: EventLog = silentLog): Promise<TestServer> {
  const settings = loadSettings({}, { port: 0, host: "127.0.0.1", demoCount: 0, ...overrides });
  const server = await startServer(settings, { db, log: () => {}, eventLog });
  return {
    ...server,
    async graphql(query, variables, headers = {}) {
      const response = await fetch(`${server.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, ...((await response.json()) as object) };
    },
  };
}
