/**
 * VOSI 1.1 tables (§3.4, VODataService 1.1 tableset): the catalogue table
 * as the cone search serves it at VERB=3 (less the per-query distance), with
 * units, UCDs and VOTable types.
 */
import type { Context } from "hono";
import { SCS_COLUMNS } from "../scs/columns.js";
import { escapeXml } from "../votable/xml.js";

/** `distance` is computed per cone, not stored (and DISTANCE is an ADQL reserved word): not a table column. */
const TABLE_COLUMNS = SCS_COLUMNS.filter(({ field }) => field.name !== "distance");

export function tablesXml(): string {
  const columns = TABLE_COLUMNS.map(({ field }) => [
    "      <column>",
    `        <name>${escapeXml(field.name)}</name>`,
    field.description ? `        <description>${escapeXml(field.description)}</description>` : "",
    field.unit ? `        <unit>${escapeXml(field.unit)}</unit>` : "",
    field.ucd ? `        <ucd>${escapeXml(field.ucd)}</ucd>` : "",
    `        <dataType xsi:type="vs:VOTableType"${field.arraysize ? ` arraysize="${field.arraysize}"` : ""}>${field.datatype}</dataType>`,
    field.name === "id" ? "        <flag>primary</flag>" : "",
    "      </column>",
  ].filter(Boolean).join("\n"));
  return `<?xml version="1.0" encoding="UTF-8"?>
<vosi:tableset xmlns:vosi="http://www.ivoa.net/xml/VOSITables/v1.0" xmlns:vs="http://www.ivoa.net/xml/VODataService/v1.1" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <schema>
    <name>skycube</name>
    <description>Galaxies (SDSS, synthetic, HiSS-Cube) with HEALPix order-29 index, SFR labels, cutouts and spectra</description>
    <table type="table">
      <name>skycube.galaxies</name>
      <description>The galaxy catalogue served by /vo/scs (nearest first) and GraphQL</description>
${columns.join("\n")}
    </table>
  </schema>
</vosi:tableset>
`;
}

export function tablesService() {
  const xml = tablesXml();
  return (_c: Context): Response => new Response(xml, { headers: { "content-type": "text/xml; charset=utf-8" } });
}
