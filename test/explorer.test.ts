/**
 * The sky explorer in a real browser (Debian Chromium, headless), against a
 * real server on synthetic demo data: overview and cone search, the galaxy
 * card, training runs, and GraphiQL. Any page error or failed request fails.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser } from "playwright-core";
import { loadDemo } from "../ingest/synthetic/load-demo.js";
import { backends, type TestDatabase } from "./support/databases.js";
import { browserSkip, launchBrowser, openWatchedPage, type WatchedPage } from "./support/browser.js";
import { startTestServer, type TestServer } from "./support/server.js";

const TOKEN = "explorer-test-token-0123456789";
const pglite = backends.find((backend) => backend.name === "pglite")!;

describe("the sky explorer in Chromium", { skip: browserSkip }, () => {
  let db: TestDatabase;
  let server: TestServer;
  let browser: Browser;
  let dataDir: string;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "skycube-explorer-"));
    db = await pglite.open();
    await loadDemo(db.sql, { count: 120, cubePath: join(dataDir, "cube.h5") });
    server = await startTestServer(db, { dataDir, apiToken: TOKEN });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function watched(): Promise<WatchedPage> {
    return openWatchedPage(browser);
  }

  it("serves GraphiQL at GET /graphql to a browser and runs a query in it", async () => {
    const { page, problems, screenshot } = await watched();
    await page.goto(`${server.url}/graphql`);
    await page.locator(".graphiql-container").waitFor();
    const run = page.locator("button.graphiql-execute-button");
    await run.click();
    await page.locator(".result-window").getByText('"totalCount"').waitFor();
    const result = await page.locator(".result-window").innerText();
    assert.match(result, /"coneSearch"/);
    await screenshot("graphiql");
    assert.deepEqual(problems, []);
  });

  it("keeps CSRF protection for scripts: a plain GET without a preflight header is refused", async () => {
    const response = await fetch(`${server.url}/graphql?query=${encodeURIComponent("{ __typename }")}`);
    assert.equal(response.status, 400);
    const html = await fetch(`${server.url}/graphql?query=${encodeURIComponent("{ __typename }")}`, { headers: { accept: "application/json, text/html", "apollo-require-preflight": "1" } });
    assert.equal(html.status, 200);
    assert.deepEqual(await html.json(), { data: { __typename: "Query" } });
  });
});
