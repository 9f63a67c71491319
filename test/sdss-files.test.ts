/**
 * `demo --write-sdss` (ingest/synthetic/sdss-files): a small survey written
 * as SDSS files, read back with our readers and with astropy, checked
 * against the plan it was written from, then ingested by `ingest sdss`.
 * The quirks' rates are checked on a large plan (no pixels).
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openCube } from "../cube/cube-store.js";
import { openFits } from "../fits/file.js";
import { BinaryTable } from "../fits/table.js";
import { positionOnFrame } from "../ingest/sdss/cutout.js";
import { readFrame } from "../ingest/sdss/frame.js";
import { ingestSdss } from "../ingest/sdss/ingest.js";
import { readMpaJhu, spectrumKey } from "../ingest/sdss/mpa-jhu.js";
import { readSdssSpectrum } from "../ingest/sdss/spectrum.js";
import { SKY_SIGMA_NMGY } from "../ingest/synthetic/galaxy-model.js";
import { FIELD_OVERLAP_ROWS, FRAME_COLUMNS, FRAME_ROWS } from "../ingest/synthetic/sdss-files/fields.js";
import { frameName } from "../ingest/synthetic/sdss-files/frame-file.js";
import { BANDS } from "../ingest/synthetic/sdss-files/frame-noise.js";
import * as rates from "../ingest/synthetic/sdss-files/plan.js";
import { planSurvey, type PlannedObject } from "../ingest/synthetic/sdss-files/plan.js";
import { spectrumName, FULLREJECT } from "../ingest/synthetic/sdss-files/spectrum-file.js";
import { renderStamp, sourceLook } from "../ingest/synthetic/sdss-files/sources.js";
import { writeSdssSurvey, type SdssSurveySummary } from "../ingest/synthetic/sdss-files/write-survey.js";
import { angularDistanceDeg } from "../sky/angles.js";
import { pixelToSky } from "../sky/tan-wcs.js";
import { backends } from "./support/databases.js";
import { pythonModuleMissing, runPython } from "./support/python.js";

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];

/** |observed − expected| within 4 binomial sigmas (and at least 1 count). */
function assertRate(observed: number, n: number, rate: number, what: string): void {
  const expected = n * rate;
  const tolerance = Math.max(1, 4 * Math.sqrt(n * rate * (1 - rate)));
  assert.ok(Math.abs(observed - expected) <= tolerance, `${what}: ${observed} of ${n}, expected ${expected.toFixed(1)} ± ${tolerance.toFixed(1)}`);
}

describe("SDSS-file survey plan", () => {
  const plan = planSurvey({ count: 20000, seed: 4 });
  const n = plan.objects.length;
  const onFields = plan.objects.filter((o) => o.field !== null);

  it("has every quirk at its documented rate", () => {
    assertRate(n - onFields.length, n, rates.OUTSIDE_FIELDS_RATE, "outside every field");
    assertRate(onFields.filter((o) => o.edge).length, onFields.length, rates.EDGE_RATE, "at a frame's side");
    assertRate(plan.objects.filter((o) => o.spectra.length === 2).length, n, rates.REPEAT_RATE, "two spectra");
    assertRate(plan.objects.filter((o) => o.spectra.length === 3).length, n, rates.REPEAT_3_RATE, "three spectra");
    assertRate(plan.objects.filter((o) => o.class === "STAR").length, n, rates.STAR_RATE, "stars");
    assertRate(plan.objects.filter((o) => o.class === "QSO").length, n, rates.QSO_RATE, "quasars");
    assertRate(plan.labels.filter((l) => l.object === null).length, n, rates.ORPHAN_LABEL_RATE, "labels without spectra");
    const galaxyLabels = plan.labels.filter((l) => l.object !== null);
    assert.ok(galaxyLabels.filter((l) => l.avg === -99).length / galaxyLabels.length > 0.005, "some AVG = -99");
    assert.ok(galaxyLabels.filter((l) => l.flag !== 0).length / galaxyLabels.length > 0.01, "some FLAG ≠ 0");
    // ~100–200 objects per field: 20,000 objects on ~160 fields.
    assert.equal(plan.fields.length, Math.ceil(onFields.length / rates.OBJECTS_PER_FIELD));
  });

  it("plugs repeat spectra within 0.3″ on distinct plates, MJDs and fibres, and keeps objects apart", () => {
    const keys = new Set<string>();
    for (const o of plan.objects) {
      for (const s of o.spectra) {
        assert.ok(angularDistanceDeg(o.raDeg, o.decDeg, s.raDeg, s.decDeg) * 3600 <= rates.REPEAT_OFFSET_MAX_ARCSEC + 1e-9);
        keys.add(spectrumKey(s.plate, s.mjd, s.fiberid));
      }
      if (o.spectra.length > 1) assert.equal(new Set(o.spectra.map((s) => s.plate)).size, o.spectra.length);
    }
    assert.equal(keys.size, plan.objects.reduce((k, o) => k + o.spectra.length, 0), "every spectrum has its own plate-MJD-fibre");
    // Neighbours on a field are more than 4″ apart, so no two objects are one in a 1″ cross-match.
    const field0 = onFields.filter((o) => o.field === 0);
    for (const a of field0) for (const b of field0) if (a !== b) assert.ok(angularDistanceDeg(a.raDeg, a.decDeg, b.raDeg, b.decDeg) * 3600 > 4);
  });

  it("is the same for the same seed and differs for another", () => {
    const positions = (p: ReturnType<typeof planSurvey>) => p.objects.map((o) => [o.raDeg, o.decDeg, o.spectra.length, o.class]);
    assert.deepEqual(positions(planSurvey({ count: 300, seed: 4 })), positions(planSurvey({ count: 300, seed: 4 })));
    assert.notDeepEqual(positions(planSurvey({ count: 300, seed: 5 })), positions(planSurvey({ count: 300, seed: 4 })));
  });
});

describe("SDSS-file survey on disk", () => {
  const dir = mkdtempSync(join(tmpdir(), "skycube-sdss-files-"));
  let summary: SdssSurveySummary;

  before(async () => {
    // 240 objects, 100 per field: three overlapping fields of one camcol.
    summary = await writeSdssSurvey({ dir: join(dir, "survey"), count: 240, seed: 3, objectsPerField: 100 });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const files = (sub: string) => readdirSync(join(dir, "survey", sub)).sort();
  const framePath = (band: string, field: number) => join(dir, "survey", "frames", frameName(band as "r", summary.plan.fields[field]));

  it("writes five frames per field, a spec file per spectrum and the two MPA-JHU files, nothing else", () => {
    const plan = summary.plan;
    assert.deepEqual([summary.objects, summary.fields, summary.frames], [240, 3, 15]);
    assert.equal(files("frames").length, 15);
    assert.deepEqual(files("spectra"), plan.objects.flatMap((o) => o.spectra.map(spectrumName)).sort());
    assert.deepEqual(files("mpa-jhu"), ["gal_info.fits", "gal_totsfr.fits"]);
    assert.ok(plan.objects.some((o) => o.spectra.length > 1) && plan.objects.some((o) => o.field === null) && plan.objects.some((o) => o.edge));
    assert.ok(plan.objects.some((o) => o.class === "STAR") && plan.objects.some((o) => o.class === "QSO"));
  });

  it("puts each object's light where the frame's WCS says, and the overlap rows of two fields agree pixel for pixel", () => {
    const plan = summary.plan;
    let checked = 0;
    for (let f = 0; f < 3; f++) {
      const r = readFrame(framePath("r", f));
      assert.deepEqual([r.width, r.height, r.run, r.camcol, r.band], [FRAME_COLUMNS, FRAME_ROWS, plan.fields[f].run, plan.fields[f].camcol, "r"]);
      for (const o of plan.objects.filter((o) => o.field === f && !o.edge)) {
        const p = positionOnFrame(r, o.raDeg, o.decDeg)!;
        assert.ok(p, `object ${o.index} on its field`);
        const look = sourceLook(o);
        const peak = look.totalsNmgy[2] * Math.max(...renderStamp(look, 31.5, 31.5));
        if (peak < 20 * SKY_SIGMA_NMGY[2]) continue;
        let best = { v: -Infinity, x: 0, y: 0 };
        for (let y = Math.round(p.y) - 5; y <= Math.round(p.y) + 3; y++)
          for (let x = Math.round(p.x) - 5; x <= Math.round(p.x) + 3; x++) if (r.valueAt(x, y) > best.v) best = { v: r.valueAt(x, y), x: x + 1, y: y + 1 };
        assert.ok(Math.hypot(best.x - p.x, best.y - p.y) < 1.5, `object ${o.index}: peak at (${best.x}, ${best.y}), WCS says (${p.x.toFixed(2)}, ${p.y.toFixed(2)})`);
        checked++;
      }
    }
    assert.ok(checked > 60, `${checked} bright objects checked`);
    const [first, second] = [readFrame(framePath("g", 0)), readFrame(framePath("g", 1))];
    const step = FRAME_ROWS - FIELD_OVERLAP_ROWS;
    for (const [x, y] of [[10, 1400], [1000, 1450], [2000, step + 5]]) {
      assert.equal(second.valueAt(x, y - step), first.valueAt(x, y), `pixel (${x}, ${y})`);
      const a = pixelToSky(first.wcs, x + 1, y + 1);
      const b = pixelToSky(second.wcs, x + 1, y - step + 1);
      const apartArcsec = angularDistanceDeg(a.raDeg, a.decDeg, b.raDeg, b.decDeg) * 3600;
      // Each field has its own tangent point (as SDSS's do): two TAN projections of the same rows agree to a tenth of a pixel.
      assert.ok(apartArcsec < 0.1 * 0.396, `the shared rows are the same sky: pixel (${x}, ${y}) ${apartArcsec} arcsec apart`);
    }
  });

  it("declares noise the reader turns into the right sigma: blank-sky scatter within 5 % in all five bands, the demo's sky sigma within 5 %", () => {
    const plan = summary.plan;
    for (const band of BANDS) {
      const f = readFrame(framePath(band, 1));
      const nearObject = new Uint8Array(FRAME_COLUMNS * FRAME_ROWS);
      for (const o of plan.objects) {
        const p = positionOnFrame(f, o.raDeg, o.decDeg);
        if (!p) continue;
        for (let y = Math.max(0, Math.round(p.y) - 40); y < Math.min(FRAME_ROWS, Math.round(p.y) + 40); y++)
          for (let x = Math.max(0, Math.round(p.x) - 40); x < Math.min(FRAME_COLUMNS, Math.round(p.x) + 40); x++) nearObject[y * FRAME_COLUMNS + x] = 1;
      }
      const differences: number[] = [];
      const sigmas: number[] = [];
      for (let y = 0; y < FRAME_ROWS; y += 3)
        for (let x = 0; x < FRAME_COLUMNS - 1; x += 4) {
          if (nearObject[y * FRAME_COLUMNS + x] || nearObject[y * FRAME_COLUMNS + x + 1]) continue;
          differences.push(f.valueAt(x, y) - f.valueAt(x + 1, y));
          sigmas.push(f.sigmaAt(x, y));
        }
      const centre = median(differences);
      const empirical = (1.4826 * median(differences.map((d) => Math.abs(d - centre)))) / Math.SQRT2;
      const model = median(sigmas);
      assert.ok(differences.length > 50000, `${differences.length} blank pixels`);
      assert.ok(Math.abs(model / empirical - 1) < 0.05, `${band}: reader sigma ${model}, blank-sky scatter ${empirical}`);
      assert.ok(Math.abs(model / SKY_SIGMA_NMGY[BANDS.indexOf(band)] - 1) < 0.05, `${band}: reader sigma ${model}`);
    }
  });

  it("writes spectra the reader reads back with the plan's identifiers, redshift, class and masks", () => {
    let rejected = 0;
    for (const o of summary.plan.objects) {
      for (const s of o.spectra) {
        const path = join(dir, "survey", "spectra", spectrumName(s));
        const read = readSdssSpectrum(path);
        assert.deepEqual([read.plate, read.mjd, read.fiberid, read.specobjid, read.objid, read.class], [s.plate, s.mjd, s.fiberid, s.specobjid, o.objid === "0" ? null : o.objid, o.class]);
        assert.equal(read.redshift, Math.fround(o.redshift));
        assert.ok(Math.abs(read.raDeg - s.raDeg) < 1e-12 && Math.abs(read.decDeg - s.decDeg) < 1e-12);
        assert.ok(read.rebinned.mask.some((m) => m === 1), "the 5577 Å gap is masked");
        const coadd = new BinaryTable(openFits(path)[1]);
        const andMask = coadd.numbers("and_mask");
        const loglam = coadd.numbers("loglam");
        const ivar = coadd.numbers("ivar");
        const spike = andMask.findIndex((m, i) => (m & FULLREJECT) !== 0 && ivar[i] > 0 && (andMask[i + 3] & FULLREJECT) !== 0);
        if (spike >= 0) {
          rejected++;
          // FULLREJECT pixels with ivar > 0: only the mask says not to use them, and the reader masks the cube bins they cover.
          const lambda = 10 ** loglam[spike + 2];
          const grid = Array.from({ length: 4620 }, (_, i) => 3839.7244 + (i * (8914.597 - 3839.7244)) / 4619);
          const bin = grid.findIndex((l) => l > lambda);
          if (bin > 0) assert.equal(read.rebinned.mask[bin - 1], 1, `${read.file}: bin at ${lambda} Å`);
        }
      }
    }
    assert.ok(rejected > 0, "some spectra have FULLREJECT runs");
  });

  it("writes MPA-JHU files the reader joins by plate, MJD and fibre: AVG −99 as no label, flags kept, labels without spectra", () => {
    const labels = readMpaJhu(join(dir, "survey", "mpa-jhu", "gal_info.fits"), join(dir, "survey", "mpa-jhu", "gal_totsfr.fits"));
    assert.equal(labels.size, summary.labels);
    const spectra = new Set(files("spectra"));
    let orphans = 0;
    for (const l of summary.plan.labels) {
      const read = labels.get(spectrumKey(l.plate, l.mjd, l.fiberid))!;
      if (l.avg === -99) assert.equal(read.avg, null);
      else assert.ok(Math.abs(read.avg! - l.avg) < 1e-6);
      assert.equal(read.flag, l.flag);
      if (l.object === null) {
        orphans++;
        assert.ok(!spectra.has(spectrumName(l)));
      }
    }
    assert.ok(orphans > 0 && summary.plan.labels.some((l) => l.avg === -99) && summary.plan.labels.some((l) => l.flag !== 0));
  });

  it("writes a frame and a spectrum astropy reads: header, WCS pixel ↔ sky within 0.01 px of ours", { skip: pythonModuleMissing("astropy.wcs") }, () => {
    const r = readFrame(framePath("r", 2));
    const pixels = [[1, 1], [1024.5, 745], [2048, 1489], [300.25, 1200.75]];
    const sky = pixels.map(([x, y]) => pixelToSky(r.wcs, x, y));
    const back = runPython<any>(
      `import json,sys,warnings\nwarnings.simplefilter("ignore")\nfrom astropy.io import fits\nfrom astropy.wcs import WCS\nq=json.load(sys.stdin)\nh=fits.open(q["frame"])\nw=WCS(h[0].header)\n` +
        `px=w.all_world2pix([[s["raDeg"],s["decDeg"]] for s in q["sky"]],1).tolist()\ns=fits.open(q["spectrum"])\n` +
        `print(json.dumps({"px":px,"filter":h[0].header["FILTER"],"bunit":h[0].header["BUNIT"],"run":h[0].header["RUN"],"shape":list(h[0].data.shape),"calib":len(h[1].data),"sky":list(h[2].data["ALLSKY"].shape),` +
        `"names":[x.name for x in s],"plate":int(s[2].data["PLATE"][0]),"n":len(s[1].data["loglam"]),"step":float(s[1].data["loglam"][1]-s[1].data["loglam"][0])}))`,
      { frame: framePath("r", 2), sky, spectrum: join(dir, "survey", "spectra", files("spectra")[0]) },
    );
    back.px.forEach(([x, y]: number[], i: number) => assert.ok(Math.hypot(x - pixels[i][0], y - pixels[i][1]) < 0.01, `pixel ${pixels[i]}: astropy ${x}, ${y}`));
    assert.deepEqual([back.filter, back.bunit, back.run, back.shape, back.calib, back.sky], ["r", "nanomaggy", r.run, [1489, 2048], 2048, [1, 192, 256]]);
    assert.deepEqual(back.names, ["PRIMARY", "COADD", "SPECOBJ"]);
    assert.equal(back.plate, Number(files("spectra")[0].slice(5, 9)));
    assert.ok(back.n > 3800 && Math.abs(back.step - 1e-4) < 1e-6);
  });

  it("ingests through ingest sdss: one galaxy per object, repeats combined, images for the objects on fields, labels joined", { skip: backends[0].skip }, async () => {
    const plan = summary.plan;
    const db = await backends[0].open();
    try {
      const survey = join(dir, "survey");
      const report = await ingestSdss(db.sql, {
        spectraDir: join(survey, "spectra"),
        framesDir: join(survey, "frames"),
        sfr: [join(survey, "mpa-jhu", "gal_info.fits"), join(survey, "mpa-jhu", "gal_totsfr.fits")],
        cube: await openCube(join(dir, "cube")),
      });
      const spectra = plan.objects.reduce((n, o) => n + o.spectra.length, 0);
      const labelled = plan.objects.filter((o) => o.class === "GALAXY" && o.galaxy.sfr?.avg != null).length;
      assert.deepEqual(
        [report.spectraRead, report.objects, report.inserted, report.withImage, report.withSfrLabel, report.skipped.length],
        [spectra, plan.objects.length, plan.objects.length, plan.objects.filter((o) => o.field !== null).length, labelled, 0],
      );
      const rows = await db.sql`SELECT g.plate, g.fiberid, g.mjd, g.has_image, g.sfr_flag, g.cube_row, (SELECT name FROM cube_shards WHERE id = g.cube_shard) AS shard, count(s.*)::int AS spectra
                                FROM galaxies g JOIN galaxy_sources s ON s.galaxy_id = g.id AND s.role = 'SPECTRUM' GROUP BY g.id`;
      const byKey = new Map(plan.objects.flatMap((o) => o.spectra.map((s) => [spectrumKey(s.plate, s.mjd, s.fiberid), o] as [string, PlannedObject])));
      const cube = await openCube(join(dir, "cube"));
      try {
        for (const row of rows) {
          const o = byKey.get(spectrumKey(row.plate, row.mjd, row.fiberid))!;
          assert.equal(row.spectra, o.spectra.length);
          assert.equal(row.has_image, o.field !== null);
          if (o.class === "GALAXY" && o.galaxy.sfr?.avg != null) assert.equal(row.sfr_flag, o.galaxy.sfr.flag);
          if (o.edge) {
            const masked = cube.readImage({ shard: row.shard as string, row: row.cube_row as number }, 0).mask.filter((m: number) => m === 1).length;
            assert.ok(masked > 0 && masked < 5 * 4096, `edge object ${o.index}: ${masked} masked pixels`);
          }
        }
      } finally {
        cube.close();
      }
    } finally {
      await db.drop();
    }
  });
});
