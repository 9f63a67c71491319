/**
 * The one ADQL form the TAP endpoint accepts (ADQL 2.1, §4.2.x geometric
 * functions), a cone search on the galaxy table:
 *
 *   SELECT [TOP n] * | column[, column…] FROM [skycube.]galaxies
 *   WHERE 1 = CONTAINS(POINT(['ICRS',] ra, dec), CIRCLE(['ICRS',] ra0, dec0, radius))
 *
 * (or CONTAINS(…) = 1), keywords in any case, degrees throughout. Anything
 * else is refused with the reason; nothing of the text reaches SQL: the
 * parsed numbers and column names go to the same cone query as /vo/scs.
 */

export interface ConeQuery {
  top: number | null;
  /** Column names asked for, or "*" for all. */
  columns: string[] | "*";
  raDeg: number;
  decDeg: number;
  radiusDeg: number;
}

export const CONE_FORM = "SELECT [TOP n] * | columns FROM skycube.galaxies WHERE 1=CONTAINS(POINT('ICRS', ra, dec), CIRCLE('ICRS', ra0, dec0, radius))";

export class AdqlRefusal extends Error {}

type Token = { kind: "word" | "number" | "string" | "symbol"; text: string };

function tokenise(query: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:('(?:[^']|'')*')|([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)|(<>|[<>!]=|[*=(),;<>+/]))/y; // operators beyond the cone form are tokenised so that the refusal names them
  let at = 0;
  while (at < query.length) {
    if (/^\s*$/.test(query.slice(at))) break;
    pattern.lastIndex = at;
    const match = pattern.exec(query);
    if (!match) throw new AdqlRefusal(`unexpected character ${JSON.stringify(query.slice(at).trim()[0])}`);
    at = pattern.lastIndex;
    if (match[1]) tokens.push({ kind: "string", text: match[1].slice(1, -1).replace(/''/g, "'") });
    else if (match[2]) tokens.push({ kind: "number", text: match[2] });
    else if (match[3]) tokens.push({ kind: "word", text: match[3] });
    else tokens.push({ kind: "symbol", text: match[4] });
  }
  return tokens;
}

class Reader {
  private at = 0;
  constructor(private readonly tokens: Token[]) {}

  peek(): Token | undefined {
    return this.tokens[this.at];
  }

  isWord(word: string): boolean {
    const token = this.peek();
    return token?.kind === "word" && token.text.toUpperCase() === word;
  }

  word(word: string): void {
    if (!this.isWord(word)) throw new AdqlRefusal(`expected ${word}${this.where()}`);
    this.at++;
  }

  symbol(symbol: string): void {
    const token = this.peek();
    if (token?.kind !== "symbol" || token.text !== symbol) throw new AdqlRefusal(`expected "${symbol}"${this.where()}`);
    this.at++;
  }

  isSymbol(symbol: string): boolean {
    const token = this.peek();
    return token?.kind === "symbol" && token.text === symbol;
  }

  number(what: string): number {
    const token = this.peek();
    if (token?.kind !== "number") throw new AdqlRefusal(`expected a number for ${what}${this.where()}`);
    this.at++;
    return Number(token.text);
  }

  identifier(): string {
    const token = this.peek();
    if (token?.kind !== "word") throw new AdqlRefusal(`expected a column name${this.where()}`);
    this.at++;
    return token.text;
  }

  /** An optional coordinate-system string argument: 'ICRS' or '' (ADQL 2.0's first argument, deprecated in 2.1). */
  coordinateSystem(): void {
    const token = this.peek();
    if (token?.kind !== "string") return;
    if (!["", "ICRS"].includes(token.text.trim().toUpperCase())) throw new AdqlRefusal(`only ICRS coordinates are supported, got '${token.text}'`);
    this.at++;
    this.symbol(",");
  }

  end(): void {
    if (this.isSymbol(";")) this.at++;
    if (this.at < this.tokens.length) throw new AdqlRefusal(`unexpected ${JSON.stringify(this.tokens[this.at].text)} after the cone constraint`);
  }

  private where(): string {
    const token = this.peek();
    return token ? ` at ${JSON.stringify(token.text)}` : " at the end of the query";
  }
}

function contains(reader: Reader): [number, number, number] {
  reader.word("CONTAINS");
  reader.symbol("(");
  reader.word("POINT");
  reader.symbol("(");
  reader.coordinateSystem();
  const [ra, dec] = [reader.identifier(), (reader.symbol(","), reader.identifier())];
  if (ra.replace(/^.*\./, "").toLowerCase() !== "ra" || dec.replace(/^.*\./, "").toLowerCase() !== "dec") throw new AdqlRefusal("POINT must be made of the columns ra and dec");
  reader.symbol(")");
  reader.symbol(",");
  reader.word("CIRCLE");
  reader.symbol("(");
  reader.coordinateSystem();
  const raDeg = reader.number("the circle's ra");
  reader.symbol(",");
  const decDeg = reader.number("the circle's dec");
  reader.symbol(",");
  const radiusDeg = reader.number("the circle's radius");
  reader.symbol(")");
  reader.symbol(")");
  return [raDeg, decDeg, radiusDeg];
}

/** Parses the cone form, or throws AdqlRefusal saying what is not supported. */
export function parseConeQuery(query: string): ConeQuery {
  const reader = new Reader(tokenise(query));
  reader.word("SELECT");
  let top: number | null = null;
  if (reader.isWord("TOP")) {
    reader.word("TOP");
    top = reader.number("TOP");
    if (!Number.isInteger(top) || top < 0) throw new AdqlRefusal("TOP must be a non-negative integer");
  }
  let columns: string[] | "*";
  if (reader.isSymbol("*")) {
    reader.symbol("*");
    columns = "*";
  } else {
    columns = [reader.identifier()];
    while (reader.isSymbol(",")) {
      reader.symbol(",");
      columns.push(reader.identifier());
    }
  }
  reader.word("FROM");
  const table = reader.identifier().toLowerCase();
  if (table !== "galaxies" && table !== "skycube.galaxies") throw new AdqlRefusal(`unknown table ${JSON.stringify(table)}; the only table is skycube.galaxies`);
  reader.word("WHERE");
  let cone: [number, number, number];
  if (reader.isWord("CONTAINS")) {
    cone = contains(reader);
    reader.symbol("=");
    if (reader.number("the comparison") !== 1) throw new AdqlRefusal("CONTAINS(…) must be compared with 1");
  } else {
    if (reader.number("the comparison") !== 1) throw new AdqlRefusal("CONTAINS(…) must be compared with 1");
    reader.symbol("=");
    cone = contains(reader);
  }
  reader.end();
  return { top, columns: Array.isArray(columns) ? columns.map((c) => c.replace(/^.*\./, "").toLowerCase()) : columns, raDeg: cone[0], decDeg: cone[1], radiusDeg: cone[2] };
}
