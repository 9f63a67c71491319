/**
 * Streams a VOTable 1.4 document (IVOA VOTable 1.4, TABLEDATA serialisation; namespace v1.3 as 1.4 keeps it):
 * the head (INFOs, PARAMs, FIELDs) at once, then the rows in chunks as the
 * consumer pulls, then the tail. The document is never built whole in memory,
 * so a 10,000-row response costs one chunk of text at a time.
 */
import { cellText, fieldXml, paramXml, type Field, type Param } from "./field.js";
import { attributes, escapeXml } from "./xml.js";

export const VOTABLE_NAMESPACE = "http://www.ivoa.net/xml/VOTable/v1.3";
export const VOTABLE_CONTENT_TYPE = "application/x-votable+xml";

export interface Info {
  name: string;
  value: string;
  /** Element content (DALI puts the human-readable message there). */
  text?: string;
}

export interface TableDocument {
  /** INFOs just below VOTABLE (SCS 1.03 puts its Error INFO there). */
  rootInfos?: Info[];
  /** COOSYS and other raw definitions placed before the results RESOURCE. */
  description?: string;
  resourceType?: "results";
  resourceInfos?: Info[];
  /** PARAMs of the results RESOURCE (SSA's INPUT:… parameters). */
  resourceParams?: Param[];
  /** PARAMs of the TABLE. */
  params?: Param[];
  tableName?: string;
  fields: Field[];
  /** The rows, each as many values as fields, in field order. */
  rows: Iterable<unknown[]>;
  /** Extra RESOURCEs after the results one (DataLink service descriptors), as XML. */
  trailingResources?: string[];
}

export const infoXml = (info: Info): string =>
  info.text === undefined ? `<INFO${attributes({ name: info.name, value: info.value })}/>` : `<INFO${attributes({ name: info.name, value: info.value })}>${escapeXml(info.text)}</INFO>`;

const ROWS_PER_CHUNK = 256;

function headXml(doc: TableDocument): string {
  const parts = [
    `<?xml version="1.0" encoding="UTF-8"?>\n<VOTABLE version="1.4" xmlns="${VOTABLE_NAMESPACE}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`,
  ];
  if (doc.description) parts.push(`<DESCRIPTION>${escapeXml(doc.description)}</DESCRIPTION>`);
  for (const info of doc.rootInfos ?? []) parts.push(infoXml(info));
  parts.push(`<RESOURCE${attributes({ type: doc.resourceType ?? "results" })}>`);
  for (const info of doc.resourceInfos ?? []) parts.push(infoXml(info));
  for (const param of doc.resourceParams ?? []) parts.push(paramXml(param));
  parts.push(`<TABLE${attributes({ name: doc.tableName ?? "results" })}>`);
  for (const param of doc.params ?? []) parts.push(paramXml(param));
  for (const field of doc.fields) parts.push(fieldXml(field));
  parts.push("<DATA><TABLEDATA>\n");
  return parts.join("\n");
}

function tailXml(doc: TableDocument): string {
  return `</TABLEDATA></DATA></TABLE></RESOURCE>\n${(doc.trailingResources ?? []).join("\n")}</VOTABLE>\n`;
}

/** The TABLEDATA text of one row. */
export function rowXml(fields: readonly Field[], row: readonly unknown[]): string {
  let out = "<TR>";
  for (let i = 0; i < fields.length; i++) out += `<TD>${cellText(fields[i], row[i])}</TD>`;
  return out + "</TR>\n";
}

/** The document as text chunks: head, rows by ROWS_PER_CHUNK, tail. */
export function* votableChunks(doc: TableDocument): Generator<string> {
  yield headXml(doc);
  let chunk = "";
  let n = 0;
  for (const row of doc.rows) {
    chunk += rowXml(doc.fields, row);
    if (++n === ROWS_PER_CHUNK) {
      yield chunk;
      chunk = "";
      n = 0;
    }
  }
  if (chunk) yield chunk;
  yield tailXml(doc);
}

/** A pull-based byte stream of the document (back-pressure: a chunk is made only when the socket wants one). */
export function votableStream(doc: TableDocument): ReadableStream<Uint8Array> {
  const chunks = votableChunks(doc);
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    cancel() {
      chunks.return(undefined);
    },
  });
}

export function votableResponse(doc: TableDocument, status = 200, contentType = VOTABLE_CONTENT_TYPE): Response {
  return new Response(votableStream(doc), { status, headers: { "content-type": contentType } });
}
