/**
 * One row of a DataLink {links} response (DataLink 1.1 §3.2): exactly one
 * of access_url, service_def and error_message is set; semantics is a term
 * of the IVOA datalink/core vocabulary (#this, #preview, #progenitor,
 * #derivation, …).
 */
import type { Field } from "../votable/field.js";

export interface Link {
  id: string;
  accessUrl?: string;
  serviceDef?: string;
  errorMessage?: string;
  semantics: string;
  description: string;
  contentType?: string;
  /** Bytes. */
  contentLength?: number;
  /** A term of the product-type vocabulary (image, spectrum, …). */
  contentQualifier?: string;
  localSemantics?: string;
}

const text = (name: string, ucd: string): Field => ({ name, datatype: "char", arraysize: "*", ucd });

export const LINK_FIELDS: Field[] = [
  text("ID", "meta.id;meta.main"),
  text("access_url", "meta.ref.url"),
  text("service_def", "meta.ref"),
  text("error_message", "meta.code.error"),
  text("semantics", "meta.code"),
  text("description", "meta.note"),
  text("content_type", "meta.code.mime"),
  { name: "content_length", datatype: "long", unit: "byte", ucd: "phys.size;meta.file" },
  text("content_qualifier", "meta.code.class"),
  text("local_semantics", "meta.code"),
  text("link_auth", "meta.code"),
  { name: "link_authorized", datatype: "boolean", ucd: "meta.code" },
];

export function linkRow(link: Link): unknown[] {
  return [
    link.id, link.accessUrl ?? null, link.serviceDef ?? null, link.errorMessage ?? null, link.semantics, link.description,
    link.contentType ?? null, link.contentLength ?? null, link.contentQualifier ?? null, link.localSemantics ?? null,
    link.errorMessage ? null : "false", link.errorMessage ? null : true,
  ];
}
