/**
 * The VO services through STILTS (Debian's stilts; skipped with the reason
 * when absent): `stilts cone` as a cone-search, SSA and SIA 2.0 client,
 * `stilts coneskymatch` (one cone per input row, footprints off), and the
 * validators: `stilts votlint` on every kind of VOTable we write (results,
 * metadata, errors, spectra, links) and `stilts datalinklint` on a links
 * response, all without errors or warnings. Runs on the embedded database
 * (the other VO tests cover both).
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadDemo } from "../ingest/synthetic/load-demo.js";
import { backends, type TestDatabase } from "./support/databases.js";
import { runProcess, stiltsMissing } from "./support/run-async.js";
import { startTestServer, type TestServer } from "./support/server.js";
import { openCube } from "../cube/cube-store.js";

const backend = backends[0];

async function stilts(...args: string[]): Promise<string> {
  const result = await runProcess("stilts", args);
  assert.equal(result.status, 0, `stilts ${args.join(" ")}: ${result.stderr}`);
  return result.stdout + result.stderr;
}

/** CSV text → rows of cells (STILTS quotes cells with commas). */
function csv(text: string): Record<string, string>[] {
  const lines = text.trim().split("\n").filter((l) => !l.startsWith("WARNING"));
  const split = (line: string) => [...line.matchAll(/("([^"]|"")*"|[^,]*)(,|$)/g)].slice(0, -1).map((m) => m[1].replace(/^"|"$/g, ""));
  const header = split(lines[0]);
  return lines.slice(1).map((line) => Object.fromEntries(split(line).map((cell, i) => [header[i], cell])));
}

describe(`VO services through STILTS on ${backend.name}`, { skip: backend.skip || stiltsMissing() }, () => {
  let db: TestDatabase;
  let server: TestServer;
  let galaxies: { id: string; ra: number; dec: number }[];
  const dir = mkdtempSync(join(tmpdir(), "skycube-stilts-"));
  before(async () => {
    db = await backend.open();
    await loadDemo(db.sql, { count: 40, cube: await openCube(dir) });
    galaxies = (await db.sql`SELECT id::text, ra, dec FROM galaxies ORDER BY id`) as any;
    await db.sql`INSERT INTO galaxy_sources (galaxy_id, role, file, run, camcol, field, band) VALUES (${galaxies[0].id}, 'FRAME', 'frame-r-000094-1-0012.fits.bz2', 94, 1, 12, 'r')`;
    server = await startTestServer(db, { dataDir: dir });
  });
  after(async () => {
    await server?.close();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("stilts cone reads the cone search, SSA and SIA 2.0 services", async () => {
    const [g] = galaxies;
    const position = [`lon=${g.ra}`, `lat=${g.dec}`];
    const cone = csv(await stilts("cone", `serviceurl=${server.url}/vo/scs`, "servicetype=cone", ...position, "radius=5", "verb=3", "ofmt=csv", "out=-"));
    assert.equal(cone[0].id, g.id);
    assert.equal(cone[0].access_url, `${server.url}/vo/links?ID=${g.id}`);
    const ssa = csv(await stilts("cone", `serviceurl=${server.url}/vo/ssa`, "servicetype=ssa", ...position, "radius=0.001", "ofmt=csv", "out=-"));
    assert.ok(ssa.length >= 1);
    assert.ok(ssa.every((row) => row.galaxy_id === g.id));
    const sia = csv(await stilts("cone", `serviceurl=${server.url}/vo/sia/query`, "servicetype=sia2", ...position, "radius=0.001", "ofmt=csv", "out=-"));
    assert.equal(sia.length, 25);
    assert.equal(sia[0].access_url, `${server.url}/cutouts/${g.id}.fits?zoom=0&bands=u`);
  });

  it("stilts coneskymatch finds each galaxy by its own position, and nothing far from the survey", async () => {
    const input = join(dir, "positions.csv");
    const chosen = galaxies.slice(0, 8);
    writeFileSync(input, ["name,ra,dec", ...chosen.map((g) => `${g.id},${g.ra},${g.dec}`), "nowhere,100,50"].join("\n") + "\n");
    const rows = csv(await stilts("coneskymatch", `in=${input}`, "ifmt=csv", "ra=ra", "dec=dec", `serviceurl=${server.url}/vo/scs`, "servicetype=cone",
      "sr=0.0003", "usefoot=false", "find=each", "verb=1", "ofmt=csv", "out=-"));
    assert.equal(rows.length, chosen.length + 1);
    for (const row of rows.slice(0, -1)) assert.equal(row.id, row.name);
    assert.equal(rows[rows.length - 1].id, "");
  });

  it("stilts tapquery runs the ADQL cone form synchronously and reports the refusal of anything else", async () => {
    const [g] = galaxies;
    const adql = `SELECT TOP 1 id, ra, dec FROM skycube.galaxies WHERE 1=CONTAINS(POINT('ICRS', ra, dec), CIRCLE('ICRS', ${g.ra}, ${g.dec}, 5))`;
    const rows = csv(await stilts("tapquery", `tapurl=${server.url}/vo/tap`, "sync=true", `adql=${adql}`, "ofmt=csv", "out=-"));
    assert.deepEqual(rows, [{ id: g.id, ra: String(g.ra), dec: String(g.dec) }]);
    const refused = await runProcess("stilts", ["tapquery", `tapurl=${server.url}/vo/tap`, "sync=true", "adql=SELECT * FROM skycube.galaxies", "ofmt=csv", "out=-"]);
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /UsageFault: QUERY: expected WHERE/);
  });

  it("stilts taplint finds no error in the TAP service's capabilities, availability and table metadata", async () => {
    // Only these stages: the query stages send general ADQL, which this cone-only service refuses by design.
    const report = await stilts("taplint", `tapurl=${server.url}/vo/tap`, "stages=CAP AVV TME");
    assert.match(report, /Totals: Errors: 0;/, report);
  });

  it("stilts votlint finds no error or warning in any VOTable the services write", async () => {
    const [g] = galaxies;
    const documents: Record<string, string> = {
      "scs-verb1": `/vo/scs?RA=${g.ra}&DEC=${g.dec}&SR=5&VERB=1`,
      "scs-verb3": `/vo/scs?RA=${g.ra}&DEC=${g.dec}&SR=5&VERB=3`,
      "scs-metadata": "/vo/scs?RA=0&DEC=0&SR=0&VERB=3",
      "scs-overflow": `/vo/scs?RA=${g.ra}&DEC=${g.dec}&SR=10&MAXREC=1`,
      "scs-error": "/vo/scs?RA=400&DEC=0&SR=-1",
      "ssa": `/vo/ssa?REQUEST=queryData&POS=${g.ra},${g.dec}&SIZE=10&FORMAT=all`,
      "ssa-metadata": "/vo/ssa?REQUEST=queryData&FORMAT=metadata",
      "ssa-error": "/vo/ssa?REQUEST=queryData&POS=1&TIME=never",
      "spectrum": `/vo/ssa/spectra/${g.id}.xml?zoom=3`,
      "sia": `/vo/sia/query?POS=${encodeURIComponent(`CIRCLE ${g.ra} ${g.dec} 5`)}&MAXREC=200`,
      "sia-error": "/vo/sia/query?POS=CIRCLE",
      "links": `/vo/links?ID=${g.id}&ID=987654&ID=bad`,
      "links-error": "/vo/links",
      "sfr": `/vo/sfr/${g.id}.xml`,
      "tap": `/vo/tap/sync?LANG=ADQL&QUERY=${encodeURIComponent(`SELECT * FROM galaxies WHERE 1=CONTAINS(POINT(ra, dec), CIRCLE(${g.ra}, ${g.dec}, 3))`)}`,
      "tap-error": "/vo/tap/sync?LANG=ADQL&QUERY=DELETE%20FROM%20galaxies",
    };
    for (const [name, path] of Object.entries(documents)) {
      const file = join(dir, `${name}.vot`);
      writeFileSync(file, Buffer.from(await (await fetch(server.url + path)).arrayBuffer()));
      const report = await stilts("votlint", `votable=${file}`);
      assert.doesNotMatch(report, /ERROR|WARNING/, `${name}: ${report}`);
    }
  });

  it("stilts datalinklint finds no error or warning in a links response", async () => {
    const report = await stilts("datalinklint", `votable=${server.url}/vo/links?ID=${galaxies[0].id}&ID=${galaxies[1].id}&ID=987654`);
    assert.match(report, /Totals: Errors: 0; Warnings: 0;/, report);
    assert.match(report, /frame-r-000094-1-0012\.fits\.bz2|Datalink table rows checked: \d+/);
  });
});
