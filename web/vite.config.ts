/**
 * The explorer's build: two pages (the explorer app and the GraphQL IDE),
 * bundled into web/dist with hashed asset names, which the server serves
 * (server/explorer.ts). Nothing is fetched from elsewhere at run time.
 */
import { resolve } from "node:path";
import { defineConfig } from "vite";

export default defineConfig({
  root: import.meta.dirname,
  base: "/",
  logLevel: "warn",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      // React libraries' "use client" lines mean nothing in a plain bundle.
      onwarn(warning, warn) {
        if (warning.code !== "MODULE_LEVEL_DIRECTIVE") warn(warning);
      },
      input: {
        explorer: resolve(import.meta.dirname, "index.html"),
        graphiql: resolve(import.meta.dirname, "graphiql.html"),
      },
    },
  },
});
