/**
 * Cone-search fan-out on a catalogue distributed by HEALPix cell (docs/SCALE.md):
 * for random centres on the sphere, the order-k cells that our cone
 * coverage (the order-29 index ranges the cone query scans) touches, and the
 * expected number of distinct hash shards among them, S · (1 − (1 − 1/S)^cells).
 *
 *   node dist/bench/cone-fanout.js [SHARDS=128]
 */
import { Random } from "../random/random.js";
import { coverDisc } from "../sky/cone-coverage.js";

const shards = Number(process.argv[2] ?? 128);
const random = new Random(3);
const radii: [string, number][] = [["3 arcsec", 3 / 3600], ["1 arcmin", 1 / 60], ["0.1 deg", 0.1], ["0.5 deg", 0.5], ["1 deg", 1], ["2 deg", 2]];
const centres = 200;
console.log(`| order | radius | mean cells | max cells | expected distinct of ${shards} hash shards |`);
console.log("|---|---|---|---|---|");
for (const order of [2, 6, 8]) {
  const shift = BigInt(2 * (29 - order));
  for (const [label, radius] of radii) {
    let cells = 0;
    let asked = 0;
    let most = 0;
    for (let i = 0; i < centres; i++) {
      const ra = random.uniform(0, 360);
      const dec = (Math.asin(random.uniform(-1, 1)) * 180) / Math.PI;
      const ranges = coverDisc(ra, dec, radius);
      const touched = new Set<bigint>();
      ranges.first.forEach((lo, j) => {
        for (let c = BigInt(lo) >> shift; c <= (BigInt(ranges.last[j]) - 1n) >> shift; c++) touched.add(c);
      });
      cells += touched.size;
      most = Math.max(most, touched.size);
      asked += shards * (1 - Math.pow(1 - 1 / shards, touched.size));
    }
    console.log(`| ${order} | ${label} | ${(cells / centres).toFixed(2)} | ${most} | ${(asked / centres).toFixed(2)} |`);
  }
}
