/**
 * `ingest sdss` on the real SDSS files of ../shared/data, on both databases:
 * objects, repeat observations combined, cutouts (including one falling off
 * the frame), MPA-JHU labels from small FITS catalogues with the real column
 * names, idempotence, and the per-pixel error model checked against the
 * scatter of blank sky.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fitsFile } from "../fits/write.js";
import { detectorNoise, readFrame } from "../ingest/sdss/frame.js";
import { ingestSdss } from "../ingest/sdss/ingest.js";
import { readSdssSpectrum } from "../ingest/sdss/spectrum.js";
import { backends, type TestDatabase } from "./support/databases.js";
import { pythonModuleMissing, runPython } from "./support/python.js";
import { sharedData, sharedDataMissing } from "./support/shared-data.js";
import { startTestServer } from "./support/server.js";
import { openCube, type CubeStore } from "../cube/cube-store.js";

const skip = sharedDataMissing("sdss");
const spectraDir = `${sharedData}sdss/spectra`;
const framesDir = `${sharedData}sdss/frames`;

function writeMpaJhu(dir: string): [string, string] {
  const info = join(dir, "gal_info_dr7_v5_2.fits");
  const sfr = join(dir, "gal_totsfr_dr7_v5_2.fits");
  writeFileSync(info, fitsFile(null, [{ name: "GAL_INFO", columns: [
    { name: "PLATEID", format: "J", values: [266, 267, 999] },
    { name: "MJD", format: "J", values: [51630, 51608, 51000] },
    { name: "FIBERID", format: "J", values: [168, 413, 1] },
    { name: "RA", format: "E", values: [146.7, 0, 0] },
    { name: "DEC", format: "E", values: [-1.04, 0, 0] },
    { name: "Z", format: "E", values: [0.067, 0.094, 0.1] },
  ] }]));
  writeFileSync(sfr, fitsFile(null, [{ name: "GAL_TOTSFR", columns: [
    { name: "AVG", format: "E", values: [0.25, -99, 1] },
    { name: "ENTROPY", format: "E", values: [1, 1, 1] },
    { name: "FLAG", format: "J", values: [0, 0, 0] },
    { name: "MEDIAN", format: "E", values: [0.24, -99, 1] },
    { name: "MODE", format: "E", values: [0.2, -99, 1] },
    { name: "P2P5", format: "E", values: [-0.5, -99, 0] },
    { name: "P16", format: "E", values: [0, -99, 0.5] },
    { name: "P84", format: "E", values: [0.5, -99, 1.5] },
    { name: "P97P5", format: "E", values: [1, -99, 2] },
  ] }]));
  return [info, sfr];
}

describe("SDSS detectors: gain and dark variance of the frame data model", () => {
  it("gives each camcol its own CCDs, with the data model's run-dependent values", () => {
    assert.deepEqual(detectorNoise(3, "r", 2820), { gain: 4.72, darkVariance: 1.3225 });
    assert.deepEqual(detectorNoise(1, "g", 756), { gain: 3.32, darkVariance: 15.6025 });
    assert.deepEqual(detectorNoise(6, "z", 4000), { gain: 4.69, darkVariance: 1.21 });
    // Camcol 2's u amplifier after run 1100; four CCDs' dark variance after run 1500.
    assert.equal(detectorNoise(2, "u", 1100).gain, 1.595);
    assert.equal(detectorNoise(2, "u", 1101).gain, 1.825);
    assert.equal(detectorNoise(2, "i", 1500).darkVariance, 5.76);
    assert.equal(detectorNoise(2, "i", 1501).darkVariance, 6.25);
    assert.equal(detectorNoise(4, "i", 2000).darkVariance, 7.5625);
    assert.equal(detectorNoise(4, "z", 2000).darkVariance, 12.6025);
    assert.equal(detectorNoise(5, "z", 2000).darkVariance, 2.1025);
    assert.equal(detectorNoise(5, "z", 1000).darkVariance, 1.8225);
  });

  it("refuses a camcol outside 1..6", () => {
    assert.throws(() => detectorNoise(7, "r", 2820), /no SDSS detector for camcol 7/);
    assert.throws(() => detectorNoise(0, "r", 2820), /no SDSS detector for camcol 0/);
  });
});

describe("SDSS frames: per-pixel errors", { skip }, () => {
  it("match the scatter of blank sky within 20 % in all five bands", () => {
    for (const band of ["u", "g", "r", "i", "z"]) {
      const frame = readFrame(`${framesDir}/frame-${band}-002820-3-0122.fits.bz2`);
      const differences: number[] = [];
      const sigmas: number[] = [];
      for (let y = 1000; y < 1200; y++)
        for (let x = 100; x < 300; x += 2) {
          differences.push(frame.valueAt(x, y) - frame.valueAt(x + 1, y));
          sigmas.push(frame.sigmaAt(x, y));
        }
      const sorted = [...differences].sort((a, b) => a - b);
      const centre = sorted[sorted.length >> 1];
      const mad = differences.map((d) => Math.abs(d - centre)).sort((a, b) => a - b)[differences.length >> 1];
      const empirical = (1.4826 * mad) / Math.SQRT2;
      const model = [...sigmas].sort((a, b) => a - b)[sigmas.length >> 1];
      assert.ok(Math.abs(model / empirical - 1) < 0.2, `${band}: model ${model}, blank-sky scatter ${empirical}`);
    }
  });
});

describe("SDSS spectra: rebinning onto the cube grid", { skip }, () => {
  it("conserves the integrated flux of a real spectrum between 5000 and 6000 Å within 0.5 %", () => {
    const path = `${spectraDir}/spec-0266-51630-0168.fits`;
    const spectrum = readSdssSpectrum(path);
    const grid = Array.from({ length: 4620 }, (_, i) => 3839.7244 + (i * (8914.597 - 3839.7244)) / 4619);
    const step = grid[1] - grid[0];
    let rebinned = 0;
    grid.forEach((l, i) => {
      if (l - step / 2 >= 5000 && l + step / 2 <= 6000) rebinned += spectrum.rebinned.value[i] * step;
    });
    const raw = runPython<number>(
      `import json,sys\nimport numpy as np\nfrom astropy.io import fits\nd=fits.open(json.load(sys.stdin))[1].data\nl=10**d['loglam'].astype(float)\ne=np.concatenate([[l[0]-(l[1]-l[0])/2],(l[1:]+l[:-1])/2,[l[-1]+(l[-1]-l[-2])/2]])\nw=np.clip(np.minimum(e[1:],${grid.findLast((l) => l + step / 2 <= 6000)! + step / 2})-np.maximum(e[:-1],${grid.find((l) => l - step / 2 >= 5000)! - step / 2}),0,None)\nprint(json.dumps(float(np.sum(w*d['flux']))))`,
      path,
    );
    assert.ok(Math.abs(rebinned / raw - 1) < 0.005, `rebinned ${rebinned}, raw ${raw}`);
  });
});

/** A fresh database and a scratch folder with an empty `frames/`, both removed afterwards. */
async function withScratch(run: (db: TestDatabase, dir: string, frames: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "skycube-sdss-scratch-"));
  const db = await backends[0].open();
  try {
    mkdirSync(join(dir, "frames"));
    await run(db, dir, join(dir, "frames"));
  } finally {
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("ingest sdss with a field that cannot be read", { skip: skip || backends[0].skip }, () => {
  it("reports the bad frame, cuts from the good field, and keeps every object", () =>
    withScratch(async (db, dir, frames) => {
      for (const band of ["u", "g", "r", "i", "z"]) {
        symlinkSync(`${framesDir}/frame-${band}-002820-3-0122.fits.bz2`, join(frames, `frame-${band}-002820-3-0122.fits.bz2`));
        // Field 121 sorts first and is read first: its g frame is not bzip2 at all.
        const good = readFileSync(`${framesDir}/frame-${band}-002820-3-0122.fits.bz2`);
        writeFileSync(join(frames, `frame-${band}-002820-3-0121.fits.bz2`), band === "g" ? Buffer.from("not a bzip2 stream") : good);
      }
      const report = await ingestSdss(db.sql, { spectraDir, framesDir: frames, cube: await openCube(dir) });
      assert.deepEqual([report.objects, report.inserted, report.withImage], [16, 16, 2]);
      assert.deepEqual(report.skipped.map((s) => s.file), ["frame-g-002820-3-0121.fits.bz2"]);
      assert.match(report.skipped[0].reason, /bzip2/i);
      const sources = await db.sql`SELECT DISTINCT file FROM galaxy_sources WHERE role = 'FRAME' ORDER BY file`;
      assert.deepEqual(sources.map((r) => r.file), ["u", "g", "r", "i", "z"].map((b) => `frame-${b}-002820-3-0122.fits.bz2`).sort());
    }));

  it("fails whole, writing nothing, when a frame cannot be read for a reason other than its data", () =>
    withScratch(async (db, dir, frames) => {
      for (const band of ["u", "g", "r", "i", "z"]) {
        // A directory where a frame should be: reading it fails with EISDIR, a system error, not bad data.
        mkdirSync(join(frames, `frame-${band}-002820-3-0122.fits`));
      }
      await assert.rejects(ingestSdss(db.sql, { spectraDir, framesDir: frames, cube: await openCube(dir) }), /EISDIR/);
      const [{ count }] = await db.sql`SELECT count(*)::int AS count FROM galaxies`;
      assert.equal(count, 0);
      assert.deepEqual(readdirSync(dir), ["frames"], "no cube shard and no temporary file left");
    }));
});

for (const backend of backends) {
  describe(`ingest sdss on ${backend.name}`, { skip: skip || backend.skip }, () => {
    let db: TestDatabase;
    let cube: CubeStore;
    const dir = mkdtempSync(join(tmpdir(), "skycube-sdss-"));
    const sfr = writeMpaJhu(dir);
    let report: Awaited<ReturnType<typeof ingestSdss>>;
    const locationOf = async (where: string) => {
      const [row] = await db.sql.unsafe(`SELECT g.cube_row, s.name AS shard, g.has_image FROM galaxies g JOIN cube_shards s ON s.id = g.cube_shard WHERE ${where}`);
      return { shard: row.shard as string, row: row.cube_row as number, hasImage: row.has_image as boolean };
    };
    /** Every shard file's bytes, by name. */
    const cubeBytes = () => {
      const folder = join(dir, "cube", "shards");
      const all: string[] = [];
      const walk = (d: string) => readdirSync(d, { withFileTypes: true }).forEach((e) => (e.isDirectory() ? walk(join(d, e.name)) : all.push(join(d, e.name))));
      walk(folder);
      return Object.fromEntries(all.sort().map((f) => [f, createHash("sha256").update(readFileSync(f)).digest("hex")]));
    };

    before(async () => {
      db = await backend.open();
      cube = await openCube(dir);
      report = await ingestSdss(db.sql, { spectraDir, framesDir, sfr, cube });
    });
    after(async () => {
      await db?.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    it("turns 27 spectra into 16 objects, repeat observations combined, labels joined", async () => {
      assert.deepEqual([report.spectraRead, report.objects, report.inserted, report.withImage, report.withSfrLabel, report.skipped.length], [27, 16, 16, 2, 1, 0]);
      const [star] = await db.sql`SELECT g.id, g.class, count(s.*)::int AS spectra FROM galaxies g JOIN galaxy_sources s ON s.galaxy_id = g.id AND s.role = 'SPECTRUM'
                                  WHERE g.class = 'STAR' GROUP BY g.id, g.class`;
      assert.equal(star.spectra, 3);
      const [labelled] = await db.sql`SELECT sfr_avg, sfr_p16, sfr_flag FROM galaxies WHERE plate = 266 AND fiberid = 168`;
      assert.deepEqual([labelled.sfr_avg, labelled.sfr_p16, labelled.sfr_flag], [0.25, 0, 0]);
      const [missing] = await db.sql`SELECT sfr_avg, sfr_flag FROM galaxies WHERE plate = 267 AND fiberid = 413`;
      assert.equal(missing.sfr_avg, null, "AVG = -99 means no label");
    });

    it("gives the F star a cutout centred on it in all five bands, and the edge galaxy a partly masked one", async () => {
      const reader = cube;
      const star = await locationOf("g.class = 'STAR'");
      const image = reader.readImage(star, 0);
      for (let band = 0; band < 5; band++) {
        let peak = band * 4096;
        for (let i = band * 4096; i < (band + 1) * 4096; i++) if (image.value[i] > image.value[peak]) peak = i;
        const [row, col] = [Math.floor((peak % 4096) / 64), peak % 64];
        assert.ok(Math.abs(row - 32) <= 1 && Math.abs(col - 32) <= 1, `band ${band}: peak at (${row}, ${col})`);
      }
      const edge = await locationOf("g.plate = 4238");
      assert.equal(edge.hasImage, true);
      const edgeImage = reader.readImage(edge, 0);
      const masked = edgeImage.mask.filter((m) => m === 1).length;
      assert.ok(masked > 0 && masked < 5 * 4096, `${masked} masked pixels`);
      edgeImage.mask.forEach((m, i) => assert.equal(m === 1, Number.isNaN(edgeImage.value[i])));
    });

    it("combines the star's three spectra by inverse variance: sigma below each input's", async () => {
      const combined = cube.readSpectrum(await locationOf("g.class = 'STAR'"), 0);
      const inputs = ["spec-3126-54804-0211.fits", "spec-3127-54835-0622.fits", "spec-7330-56684-0434.fits"].map((f) => readSdssSpectrum(`${spectraDir}/${f}`).rebinned);
      let compared = 0;
      for (let i = 0; i < 4620; i++) {
        if (inputs.some((s) => s.mask[i])) continue;
        const expected = 1 / Math.sqrt(inputs.reduce((w, s) => w + 1 / s.sigma[i] ** 2, 0));
        assert.ok(Math.abs(combined.sigma[i] - expected) <= 1e-6 * expected, `bin ${i}`);
        compared++;
      }
      assert.ok(compared > 3000);
    });

    it("changes nothing when run again", async () => {
      const before = cubeBytes();
      const again = await ingestSdss(db.sql, { spectraDir, framesDir, sfr, cube });
      assert.deepEqual([again.inserted, again.merged, again.alreadyPresent], [0, 0, 16]);
      assert.deepEqual(cubeBytes(), before, "no shard written or changed");
      const [{ count }] = await db.sql`SELECT count(*)::int AS count FROM galaxy_sources`;
      assert.equal(count, 27 + 10);
    });

    it("serves the ingested files as Galaxy.sources and the cutout over GraphQL", async () => {
      const server = await startTestServer(db, { dataDir: dir });
      try {
        const { data, errors } = await server.graphql(
          `{ galaxies(filter: { class: "STAR" }) { edges { node { survey sources { role file plate band } image(zoom: 1) { size flux { shape } } spectrum(zoom: 3) { length } } } } }`,
        );
        assert.equal(errors, undefined);
        const star = data!.galaxies.edges[0].node;
        assert.equal(star.survey, "SDSS");
        assert.deepEqual(star.sources.filter((s: any) => s.role === "SPECTRUM").map((s: any) => s.plate).sort(), [3126, 3127, 7330]);
        assert.deepEqual(star.sources.filter((s: any) => s.role === "FRAME").map((s: any) => s.band).sort(), ["G", "I", "R", "U", "Z"]);
        assert.deepEqual(star.image.flux.shape, [5, 32, 32]);
        assert.equal(star.spectrum.length, 577);
      } finally {
        await server.close();
      }
    });
  });
}

describe("FITS writer", { skip: pythonModuleMissing("astropy.io.fits") }, () => {
  it("writes catalogues astropy reads back with the same values", () => {
    const dir = mkdtempSync(join(tmpdir(), "skycube-fits-"));
    try {
      const [info] = writeMpaJhu(dir);
      const back = runPython<any>(`import json,sys\nfrom astropy.io import fits\nd=fits.open(json.load(sys.stdin))[1].data\nprint(json.dumps({"plate":[int(x) for x in d['PLATEID']],"z":[float(x) for x in d['Z']]}))`, info);
      assert.deepEqual(back.plate, [266, 267, 999]);
      assert.deepEqual(back.z, [Math.fround(0.067), Math.fround(0.094), Math.fround(0.1)]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
