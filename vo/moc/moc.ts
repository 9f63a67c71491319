/**
 * Spatial MOC 2.0 (IVOA REC 2022-07-27): a set of nested HEALPix cells,
 * normalised (four complete siblings replaced by their parent, §2.3), and
 * its three serialisations: NUNIQ FITS (§4.3.1), ASCII (§4.3.2) and JSON
 * (§4.3.3). Cell numbers are BigInts: at order 29 they exceed 2^53.
 */
import { fitsFile } from "../../fits/write.js";

/** Cells per order, each list sorted ascending. */
export type Moc = Map<number, bigint[]>;

/** Normalises a set of distinct sorted cells at one order into a MOC whose deepest order is `order`. */
export function mocFromCells(order: number, cells: readonly bigint[]): Moc {
  const moc: Moc = new Map();
  let current = [...cells];
  for (let k = order; k >= 0; k--) {
    const kept: bigint[] = [];
    const parents: bigint[] = [];
    let i = 0;
    while (i < current.length) {
      const cell = current[i];
      const first = cell & ~3n;
      if (k > 0 && cell === first && i + 3 < current.length && current[i + 3] === first + 3n) {
        parents.push(first >> 2n);
        i += 4;
      } else {
        kept.push(cell);
        i += 1;
      }
    }
    if (kept.length > 0) moc.set(k, kept);
    current = parents;
    if (current.length === 0) break;
  }
  return new Map([...moc.entries()].sort(([a], [b]) => a - b));
}

/** NUNIQ = 4^(order+1) + ipix (MOC 2.0 §4.3.1). */
export const nuniq = (order: number, cell: bigint): bigint => 4n ** BigInt(order + 1) + cell;

export function mocAscii(moc: Moc, maxOrder: number): string {
  const parts: string[] = [];
  for (const [order, cells] of moc) {
    const runs: string[] = [];
    for (let i = 0; i < cells.length; ) {
      let j = i;
      while (j + 1 < cells.length && cells[j + 1] === cells[j] + 1n) j++;
      runs.push(j === i ? String(cells[i]) : `${cells[i]}-${cells[j]}`);
      i = j + 1;
    }
    parts.push(`${order}/${runs.join(" ")}`);
  }
  if (!moc.has(maxOrder)) parts.push(`${maxOrder}/`);
  return parts.join(" ") + "\n";
}

/** JSON with bare integer literals (exact at any order), the deepest order present even when empty. */
export function mocJson(moc: Moc, maxOrder: number): string {
  const entries = [...moc].map(([order, cells]) => `"${order}":[${cells.join(",")}]`);
  if (!moc.has(maxOrder)) entries.push(`"${maxOrder}":[]`);
  return `{${entries.join(",")}}\n`;
}

export function mocFits(moc: Moc, maxOrder: number): Uint8Array {
  const uniq = [...moc].flatMap(([order, cells]) => cells.map((cell) => nuniq(order, cell))).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return fitsFile(null, [{
    name: "MOC",
    columns: [{ name: "UNIQ", format: "K", values: uniq }],
    cards: [
      ["MOCVERS", "2.0", "MOC version"], ["MOCDIM", "SPACE", "spatial MOC"], ["ORDERING", "NUNIQ", "NUNIQ coding method"],
      ["COORDSYS", "C", "ICRS"], ["MOCORD_S", maxOrder, "MOC resolution (spatial order)"], ["MOCORDER", maxOrder, "MOC 1.1 compatibility"],
      ["PIXTYPE", "HEALPIX"], ["MOCTOOL", "skycube"],
    ],
  }]);
}
