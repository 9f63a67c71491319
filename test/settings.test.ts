import { it } from "node:test";
import assert from "node:assert/strict";
import { loadSettings, settingsTable } from "../config/settings.js";

it("uses the documented defaults when the environment is empty", () => {
  const settings = loadSettings({});
  for (const [key, setting] of Object.entries(settingsTable)) {
    if (key !== "dataDir") assert.equal(settings[key as keyof typeof settings], setting.default, key);
  }
  assert.ok(settings.dataDir.endsWith("/.data"));
});

it("reads every setting from its variable and lists all bad values at once", () => {
  const settings = loadSettings({ PORT: "8080", MAX_CONE_RADIUS_DEG: "2.5", DATABASE_URL: "postgres://x@y/z" });
  assert.equal(settings.port, 8080);
  assert.equal(settings.maxConeRadiusDeg, 2.5);
  assert.equal(settings.databaseUrl, "postgres://x@y/z");
  assert.throws(() => loadSettings({ PORT: "-1", MAX_CONE_RADIUS_DEG: "90" }), /PORT must be an integer in \[0, 65535\].*MAX_CONE_RADIUS_DEG must be at most 45/);
});
