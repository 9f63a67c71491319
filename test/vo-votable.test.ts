/**
 * The VO building blocks without a server: the streamed VOTable writer
 * (escaping, null cells, chunking), DAL parameters, MOC normalisation and
 * serialisations, DataLink identifiers.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { galaxyIdOfDid } from "../vo/context.js";
import { parseConeQuery } from "../vo/tap/adql-cone.js";
import { mocAscii, mocFromCells, mocJson, nuniq } from "../vo/moc/moc.js";
import { DalParameters, parseNumber } from "../vo/params.js";
import { parseInterval } from "../vo/sia/parameters.js";
import { isoToMjd } from "../vo/ssa/parameters.js";
import { votableChunks, votableStream } from "../vo/votable/writer.js";

describe("VOTable writer", () => {
  const fields = [
    { name: "id", datatype: "char" as const, arraysize: "*", ucd: "ID_MAIN" },
    { name: "x", datatype: "double" as const, unit: "deg" },
    { name: "n", datatype: "int" as const },
    { name: "ok", datatype: "boolean" as const },
  ];

  it("escapes markup in values and attributes and writes null and NaN as empty cells", () => {
    const text = [...votableChunks({ description: "a < b & \"c\"", fields, rows: [["<&>\"'", Number.NaN, null, true], ["x", 1.5, 3, false]] })].join("");
    assert.match(text, /<DESCRIPTION>a &lt; b &amp; &quot;c&quot;<\/DESCRIPTION>/);
    assert.match(text, /<TR><TD>&lt;&amp;&gt;&quot;&apos;<\/TD><TD><\/TD><TD><\/TD><TD>T<\/TD><\/TR>/);
    assert.match(text, /<TR><TD>x<\/TD><TD>1.5<\/TD><TD>3<\/TD><TD>F<\/TD><\/TR>/);
    assert.match(text, /<FIELD name="x" datatype="double" unit="deg"\/>/);
  });

  it("yields the rows in chunks as they are pulled, never the whole document at once", async () => {
    let produced = 0;
    const rows = (function* () {
      for (let i = 0; i < 10_000; i++) {
        produced++;
        yield [String(i), i, i, true];
      }
    })();
    const reader = votableStream({ fields, rows }).getReader();
    await reader.read(); // the head
    await reader.read(); // the first chunk of rows
    assert.ok(produced < 1000, `only the first chunks are made before they are read (made ${produced})`);
    let rowsSeen = 0;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      rowsSeen += (Buffer.from(value).toString().match(/<TR>/g) ?? []).length;
    }
    assert.equal(produced, 10_000);
    assert.ok(rowsSeen > 9000);
  });
});

describe("DAL parameters", () => {
  it("reads names case-insensitively and keeps repeated values", () => {
    const params = new DalParameters([["pos", "CIRCLE 1 2 3"], ["Id", "a"], ["ID", "b"], ["empty", ""]]);
    assert.equal(params.get("POS"), "CIRCLE 1 2 3");
    assert.deepEqual(params.all("id"), ["a", "b"]);
    assert.equal(params.get("EMPTY"), undefined);
  });

  it("parses only plain decimal numbers", () => {
    assert.equal(parseNumber("1e-3"), 0.001);
    assert.ok(Number.isNaN(parseNumber("0x10")));
    assert.ok(Number.isNaN(parseNumber("Infinity")));
    assert.ok(Number.isNaN(parseNumber("")));
  });

  it("parses DALI intervals with infinities and rejects reversed ones", () => {
    assert.deepEqual(parseInterval("5e-7 6e-7"), [5e-7, 6e-7]);
    assert.deepEqual(parseInterval("-Inf 3"), [-Infinity, 3]);
    assert.deepEqual(parseInterval("4"), [4, 4]);
    assert.equal(parseInterval("6 5"), null);
    assert.equal(parseInterval("a b"), null);
  });

  it("converts ISO 8601 UTC to MJD (1858-11-17 is MJD 0, 2000-01-01T12:00 is 51544.5)", () => {
    assert.equal(isoToMjd("1858-11-17"), 0);
    assert.equal(isoToMjd("2000-01-01T12:00:00Z"), 51544.5);
    assert.ok(Number.isNaN(isoToMjd("yesterday")));
  });
});

describe("MOC 2.0", () => {
  it("replaces four complete siblings by their parent, recursively", () => {
    // Order 2: cells 0-15 make order-1 cells 0-3, which make order-0 cell 0; 17 stays.
    const cells = [...Array.from({ length: 16 }, (_, i) => BigInt(i)), 17n];
    const moc = mocFromCells(2, cells);
    assert.deepEqual([...moc.entries()], [[0, [0n]], [2, [17n]]]);
    assert.equal(mocAscii(moc, 2), "0/0 2/17\n");
    assert.equal(mocJson(moc, 3), '{"0":[0],"2":[17],"3":[]}\n');
  });

  it("writes consecutive cells as ranges and NUNIQ as 4^(order+1) + ipix", () => {
    assert.equal(mocAscii(mocFromCells(3, [1n, 2n, 3n, 9n]), 3), "3/1-3 9\n");
    assert.equal(nuniq(0, 0n), 4n);
    assert.equal(nuniq(29, 5n), 4n ** 30n + 5n);
  });
});

describe("publisher identifiers", () => {
  it("accepts bare ids and ivo://skycube/galaxy?N with any fragment, nothing else", () => {
    assert.equal(galaxyIdOfDid("42"), "42");
    assert.equal(galaxyIdOfDid("ivo://skycube/galaxy?42#cutout-r-3"), "42");
    assert.equal(galaxyIdOfDid("ivo://other/galaxy?42"), null);
    assert.equal(galaxyIdOfDid("0"), null);
    assert.equal(galaxyIdOfDid("99999999999999999999"), null);
  });
});

describe("the ADQL cone form", () => {
  it("accepts SELECT [TOP n] columns FROM galaxies WHERE 1=CONTAINS(POINT, CIRCLE) in either order and any case", () => {
    assert.deepEqual(parseConeQuery("SELECT TOP 5 id, g.ra FROM skycube.galaxies WHERE 1=CONTAINS(POINT('ICRS', ra, dec), CIRCLE('ICRS', 21.5, -1e-1, 0.25))"),
      { top: 5, columns: ["id", "ra"], raDeg: 21.5, decDeg: -0.1, radiusDeg: 0.25 });
    assert.deepEqual(parseConeQuery("select * from galaxies where contains(point(ra, dec), circle(1, 2, 3)) = 1;"),
      { top: null, columns: "*", raDeg: 1, decDeg: 2, radiusDeg: 3 });
  });

  it("refuses everything else, saying what", () => {
    const refusals: [string, RegExp][] = [
      ["SELECT * FROM galaxies", /expected WHERE at the end of the query/],
      ["SELECT * FROM galaxies WHERE redshift > 0.1", /expected a number for the comparison at "redshift"/],
      ["SELECT * FROM stars WHERE 1=CONTAINS(POINT(ra, dec), CIRCLE(1, 2, 3))", /unknown table "stars"/],
      ["SELECT * FROM galaxies WHERE 1=CONTAINS(POINT('GALACTIC', ra, dec), CIRCLE(1, 2, 3))", /only ICRS/],
      ["SELECT * FROM galaxies WHERE 1=CONTAINS(POINT(ra, dec), CIRCLE(1, 2, 3)) OR 1=1", /unexpected "OR"/],
      ["SELECT * FROM galaxies WHERE 0=CONTAINS(POINT(ra, dec), CIRCLE(1, 2, 3))", /compared with 1/],
      ["SELECT * FROM galaxies WHERE 1=CONTAINS(POINT(dec, ra), CIRCLE(1, 2, 3))", /POINT must be made of the columns ra and dec/],
      ["DROP TABLE galaxies", /expected SELECT/],
      ["SELECT * FROM galaxies; -- comment", /unexpected character "-"/],
    ];
    for (const [query, reason] of refusals) assert.throws(() => parseConeQuery(query), reason, query);
  });
});
