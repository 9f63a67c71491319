/**
 * Cone-search latency on 1,000,000 galaxies in real PostgreSQL: our HEALPix
 * range query (through the same function the API calls) side by side with
 * q3c_radial_query on the same table, and a brute-force scan, at radii of
 * 3 arcsec, 1 arcmin and 0.5 degree. Each query's result count is checked
 * to be the same for all methods.
 *
 *   npm run bench:cone            (BENCH_COUNT, BENCH_QUERIES override)
 */
import postgres from "postgres";
import { coneSearch } from "../catalog/cone-search.js";
import { Random } from "../random/random.js";
import { syntheticSurvey } from "../ingest/synthetic/survey.js";
import { clientUrl } from "../db/database.js";
import { benchDatabase, summarise } from "./support.js";

const count = Number(process.env.BENCH_COUNT ?? 1_000_000);
const queriesPerRadius = Number(process.env.BENCH_QUERIES ?? 500);
const radii = [
  { label: "3 arcsec", deg: 3 / 3600 },
  { label: "1 arcmin", deg: 1 / 60 },
  { label: "0.5 deg", deg: 0.5 },
];
const limits = { maxPageSize: 1_000_000, maxConeRadiusDeg: 10 };

const { db, url } = await benchDatabase(count, 2);
const sql = db.sql;
// q3c is timed both ways and the faster one reported: as a prepared
// statement (the same client and connection settings as ours) and planned
// afresh with its constants each time (no prepared statements).
const q3cClient = clientUrl(url);
const q3cUnprepared = postgres(q3cClient.url, { max: 1, prepare: false, onnotice: () => {}, connection: { jit: "off" }, ...(q3cClient.path ? { path: q3cClient.path } : {}) });
await sql`CREATE EXTENSION IF NOT EXISTS q3c`;
const [hasQ3c] = await sql`SELECT 1 FROM pg_indexes WHERE indexname = 'galaxies_q3c'`;
if (!hasQ3c) {
  await sql`CREATE INDEX galaxies_q3c ON galaxies (q3c_ang2ipix(ra, dec))`;
  await sql`ANALYZE galaxies`;
}

// Centres near catalogued galaxies (moved by up to half the radius), as when
// asking "what is at this position": small cones are not all empty.
const random = new Random(99);
const galaxies = [...syntheticSurvey(queriesPerRadius, 1, Math.floor(random.next() * (count - queriesPerRadius)))];
const centresFor = (radiusDeg: number) =>
  galaxies.map((g) => ({
    ra: (g.raDeg + random.uniform(-0.35, 0.35) * radiusDeg + 360) % 360,
    dec: g.decDeg + random.uniform(-0.35, 0.35) * radiusDeg,
  }));

// BENCH_COLUMNS=selected: every method reads only the columns of bench:http's
// selection (id ra dec redshift distance sfr), as the GraphQL resolver now does
// for such a selection; by default the full rows.
const selectedOnly = process.env.BENCH_COLUMNS === "selected";
const parts = selectedOnly ? new Set(["id", "raDeg", "decDeg", "redshift", "sfr"] as const) : undefined;
const columnList = selectedOnly ? "g.id, g.ra, g.dec, g.redshift, g.sfr_avg, g.sfr_median, g.sfr_p2p5, g.sfr_p16, g.sfr_p84, g.sfr_p97p5, g.sfr_flag" : `g.id, g.source_key, g.survey, g.objid, g.specobjid, g.plate, g.mjd, g.fiberid, g.ra, g.dec,
    g.healpix29, g.redshift, g.class, g.sfr_avg, g.sfr_median, g.sfr_p2p5, g.sfr_p16, g.sfr_p84, g.sfr_p97p5, g.sfr_flag`;
const columns = sql.unsafe(columnList);

async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const started = performance.now();
  const result = await fn();
  return [performance.now() - started, result];
}

console.log(`# cone search, ${count.toLocaleString("en")} galaxies in PostgreSQL, ${queriesPerRadius} queries per radius (sequential, one connection), ${selectedOnly ? "selected columns only" : "full rows"}`);
console.log("| radius | mean rows | HEALPix ranges p50 / p99 (ms) | q3c prepared p50 / p99 (ms) | q3c unprepared p50 / p99 (ms) | brute force p50 / p99 (ms) |");
console.log("|---|---|---|---|---|---|");
for (const radius of radii) {
  const ours: number[] = [];
  const q3c: number[] = [];
  const q3cFresh: number[] = [];
  const brute: number[] = [];
  let rows = 0;
  const centres = centresFor(radius.deg);
  for (const [i, { ra, dec }] of centres.entries()) {
    const q3cQuery = (client: typeof q3cUnprepared) =>
      client`SELECT ${client.unsafe(columnList)}, q3c_dist(g.ra, g.dec, ${ra}::float8, ${dec}::float8) AS distance_deg FROM galaxies g
             WHERE q3c_radial_query(g.ra, g.dec, ${ra}::float8, ${dec}::float8, ${radius.deg}::float8) ORDER BY distance_deg, g.id`;
    const runOurs = () => time(() => coneSearch(sql, { raDeg: ra, decDeg: dec, radiusDeg: radius.deg, first: 1_000_000, parts }, limits));
    // Whoever runs first reads the region's pages cold: alternate the order.
    const [tOurs, page] = i % 2 === 0 ? await runOurs() : [0, null];
    const [tQ3c, q3cRows] = await time(() => q3cQuery(sql));
    const [tQ3cUnprepared] = await time(() => q3cQuery(q3cUnprepared));
    const [tOursLate, pageLate] = i % 2 === 1 ? await runOurs() : [tOurs, page];
    const ourPage = pageLate!;
    ours.push(tOursLate);
    q3c.push(tQ3c);
    q3cFresh.push(tQ3cUnprepared);
    rows += ourPage.nodes.length;
    if (q3cRows.length !== ourPage.nodes.length) {
      // Objects within ~1e-9 deg of the edge may differ between distance formulas; report, do not hide.
      console.error(`count differs at (${ra}, ${dec}, ${radius.label}): ours ${ourPage.nodes.length}, q3c ${q3cRows.length}`);
    }
  }
  // Brute force afterwards, so its full scans do not disturb the timings above.
  for (const { ra, dec } of centres.slice(0, 20)) {
    const expected = await coneSearch(sql, { raDeg: ra, decDeg: dec, radiusDeg: radius.deg, first: 1_000_000 }, limits);
      const [tBrute, bruteRows] = await time(
        () => sql`SELECT * FROM (SELECT ${columns}, degrees(2 * asin(least(1, sqrt(power(sind((g.dec - ${dec}::float8) / 2), 2)
                  + cosd(g.dec) * cosd(${dec}::float8) * power(sind((g.ra - ${ra}::float8) / 2), 2))))) AS distance_deg FROM galaxies g) c
                  WHERE c.distance_deg <= ${radius.deg}::float8 ORDER BY c.distance_deg, c.id`,
      );
      brute.push(tBrute);
      if (bruteRows.length !== expected.nodes.length) console.error(`brute force count differs at (${ra}, ${dec}, ${radius.label})`);
  }
  const [o, q, u, b] = [summarise(ours), summarise(q3c), summarise(q3cFresh), summarise(brute)];
  const f = (n: number) => n.toFixed(2);
  console.log(`| ${radius.label} | ${(rows / centres.length).toFixed(1)} | ${f(o.p50)} / ${f(o.p99)} | ${f(q.p50)} / ${f(q.p99)} | ${f(u.p50)} / ${f(u.p99)} | ${f(b.p50)} / ${f(b.p99)} (${b.n} queries) |`);
}
await q3cUnprepared.end();
await db.close();
