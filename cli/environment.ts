/**
 * Imported first by the CLI: NODE_ENV defaults to "production" so that
 * graphql-js and Apollo skip their development-only checks (graphql-js's
 * cross-realm instanceOf check alone costs a few percent of every request).
 * `NODE_ENV=development` keeps them, and turns on stack traces.
 */
process.env.NODE_ENV ??= "production";
