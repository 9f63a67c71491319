/**
 * A VOTable FIELD or PARAM description (VOTable 1.3, §4): the names,
 * datatypes, units, UCDs and utypes exactly as the IVOA documents spell them.
 */
import { attributes, escapeXml } from "./xml.js";

export type Datatype = "boolean" | "short" | "int" | "long" | "float" | "double" | "char";

export interface Field {
  name: string;
  datatype: Datatype;
  /** "*" for variable-length strings; a number for fixed arrays. */
  arraysize?: string;
  /** XML ID, so that GROUP/PARAM refs (DataLink inputParams) can point at it. */
  id?: string;
  /** XML IDREF of the FIELD whose values a PARAM stands for (DataLink inputParams). */
  ref?: string;
  ucd?: string;
  utype?: string;
  /** VOUnit string (e.g. "deg", "Angstrom", "m"). */
  unit?: string;
  xtype?: string;
  description?: string;
}

export interface Param extends Field {
  value: string;
}

function describe(element: "FIELD" | "PARAM", field: Field, extra: Record<string, string> = {}): string {
  const head = `<${element}${attributes({
    ID: field.id, ref: field.ref, name: field.name, datatype: field.datatype, arraysize: field.arraysize,
    ucd: field.ucd, utype: field.utype, unit: field.unit, xtype: field.xtype, ...extra,
  })}`;
  return field.description ? `${head}><DESCRIPTION>${escapeXml(field.description)}</DESCRIPTION></${element}>` : `${head}/>`;
}

export const fieldXml = (field: Field): string => describe("FIELD", field);
export const paramXml = (param: Param): string => describe("PARAM", param, { value: param.value });

/** A string PARAM (the common case in service descriptors). */
export function textParam(name: string, value: string, more: Partial<Param> = {}): Param {
  return { name, datatype: "char", arraysize: "*", value, ...more };
}

/** TABLEDATA text of one cell: empty for null and NaN (VOTable 1.3 §6), escaped text otherwise. */
export function cellText(field: Field, value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return Number.isNaN(value) ? "" : value > 0 ? "+Inf" : "-Inf";
    return field.datatype === "float" || field.datatype === "double" ? String(value) : String(Math.trunc(value));
  }
  if (typeof value === "boolean") return value ? "T" : "F";
  return escapeXml(String(value));
}
