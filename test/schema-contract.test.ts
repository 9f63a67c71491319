/** The committed schema.graphql is the public contract: it must match the code. */
import "reflect-metadata";
import { it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { printSchema } from "graphql";
import { graphqlSchema } from "../server/schema.js";

it("schema.graphql matches the schema the server builds (run `npm run schema` after changing the API)", async () => {
  const committed = readFileSync(new URL("../../schema.graphql", import.meta.url), "utf8");
  assert.equal(committed, printSchema(await graphqlSchema()) + "\n");
});
