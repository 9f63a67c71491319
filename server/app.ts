/** The HTTP routes: the explorer (pages and GraphiQL), GraphQL, downloads, VO, health and readiness. */
import type { ApolloServer } from "@apollo/server";
import { Hono } from "hono";
import { ErrorCode, httpStatusOf } from "../errors/codes.js";
import type { Context, Services } from "../resolvers/context.js";
import { bodyLimit } from "./body-limit.js";
import { bulkDownload } from "./bulk.js";
import { cutoutDownload, spectrumDownload } from "./downloads.js";
import { jsonErrorOf } from "./format-error.js";
import { graphqlHandler } from "./graphql.js";
import { mountExplorer } from "./explorer.js";
import { modelCardRoute } from "./model-card-route.js";
import { experimentTableRoute } from "./experiment-route.js";
import { mountVoRoutes } from "../vo/routes.js";
import { metricsRoute, type ServerMetrics } from "./metrics.js";
import { observeRequests } from "./observe.js";

const READY_TIMEOUT_MS = 2000;

export function createApp(apollo: ApolloServer<Context>, services: Services, metrics: ServerMetrics): Hono {
  const { db, cube, settings } = services;
  const app = new Hono();
  // Outermost: a log line and a latency observation for every request, refused ones included.
  app.use("*", observeRequests(services.log, metrics));
  // Bodies over MAX_BODY_BYTES are refused: by their Content-Length (Node reads no more than it says), chunked ones counted as they stream in.
  app.use(
    "*",
    bodyLimit({
      maxSize: settings.maxBodyBytes,
      onError: (c) => {
        const message = `The request body is larger than ${settings.maxBodyBytes} bytes (MAX_BODY_BYTES)`;
        const status = httpStatusOf.PAYLOAD_TOO_LARGE as 413;
        // The rest of the body is never read: the socket cannot carry another request.
        c.header("connection", "close");
        if (c.req.path === "/graphql") return c.json({ errors: [{ message, extensions: { code: ErrorCode.PAYLOAD_TOO_LARGE } }] }, status);
        return c.json({ error: { code: ErrorCode.PAYLOAD_TOO_LARGE, message } }, status);
      },
    }),
  );
  mountExplorer(app);
  app.on(["GET", "POST"], "/graphql", graphqlHandler(apollo, services));
  app.get("/cutouts/:id{[0-9]+\\.(?:fits|png)}", cutoutDownload(db, cube));
  app.get("/spectra/:id{[0-9]+\\.(?:fits|png)}", spectrumDownload(db, cube));
  app.on(["GET", "POST"], "/bulk/images", bulkDownload(db, cube, "image", settings));
  app.on(["GET", "POST"], "/bulk/spectra", bulkDownload(db, cube, "spectrum", settings));
  app.get("/predictors/:ref/card.md", modelCardRoute(db));
  app.get("/experiments/:file{[0-9]+\\.(?:csv|md)}", experimentTableRoute(db));
  mountVoRoutes(app, db, cube, settings);
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  if (settings.metrics !== "off") app.get("/metrics", metricsRoute(metrics, settings.metrics, services.apiToken));
  app.get("/readyz", async (c) => {
    try {
      await Promise.race([
        db.sql`SELECT 1`,
        new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), READY_TIMEOUT_MS).unref()),
      ]);
      return c.json({ status: "ready", database: db.kind });
    } catch {
      return c.json({ status: "unavailable", database: db.kind }, httpStatusOf.SERVICE_UNAVAILABLE as 503);
    }
  });
  app.notFound((c) =>
    c.json({ error: { code: ErrorCode.NOT_FOUND, message: `No route ${c.req.method} ${c.req.path}` } }, httpStatusOf.NOT_FOUND as 404),
  );
  // A route's coded error with its status; an unavailable database 503; anything else 500, logged.
  app.onError((error) => {
    const { status, body, headers } = jsonErrorOf(error);
    return Response.json(body, { status, headers });
  });
  return app;
}
