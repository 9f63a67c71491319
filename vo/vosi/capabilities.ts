/**
 * VOSI 1.1 capabilities (IVOA REC 2017-05-24, §3.2): one <capability> per
 * service with its IVOA standardID and access URL. pyvo's SIA2 client reads
 * the SIA#query-2.0 one to find the query endpoint.
 */
import type { Context } from "hono";
import { baseUrlOf } from "../base-url.js";
import type { VoContext } from "../context.js";
import { DATALINK_STANDARD_ID } from "../datalink/descriptor.js";
import { escapeXml } from "../votable/xml.js";

interface Capability {
  standardID: string;
  path: string;
  /** VOResource "use" of the access URL: base (parameters appended) or full. */
  use: "base" | "full";
  description: string;
  /** Extra capability content (e.g. SCS maxSR). */
  extra?: (maxRadiusDeg: number) => string;
  type?: string;
}

export const CAPABILITIES: Capability[] = [
  { standardID: "ivo://ivoa.net/std/VOSI#capabilities", path: "/vo/capabilities", use: "full", description: "this document" },
  { standardID: "ivo://ivoa.net/std/VOSI#availability", path: "/vo/availability", use: "full", description: "service availability" },
  { standardID: "ivo://ivoa.net/std/VOSI#tables-1.1", path: "/vo/tables", use: "full", description: "the catalogue's columns" },
  {
    standardID: "ivo://ivoa.net/std/ConeSearch", path: "/vo/scs", use: "base", description: "Simple Cone Search 1.03 over the galaxy catalogue", type: "cs:ConeSearch",
    extra: (maxRadiusDeg) => `<maxSR>${maxRadiusDeg}</maxSR><maxRecords>100000</maxRecords><verbosity>true</verbosity><testQuery><ra>21.14</ra><dec>1.01</dec><sr>0.1</sr></testQuery>`,
  },
  { standardID: "ivo://ivoa.net/std/SSA", path: "/vo/ssa", use: "base", description: "Simple Spectral Access 1.1: galaxy spectra (FITS, VOTable)" },
  { standardID: "ivo://ivoa.net/std/SIA#query-2.0", path: "/vo/sia/query", use: "base", description: "Simple Image Access 2.0: ugriz cutouts per band and zoom" },
  {
    standardID: "ivo://ivoa.net/std/TAP", path: "/vo/tap", use: "base", description: "TAP 1.1 sync, ADQL cone form only", type: "tr:TableAccess",
    extra: () => `<language><name>ADQL</name><version ivo-id="ivo://ivoa.net/std/ADQL#v2.1">2.1</version><description>only SELECT [TOP n] … FROM skycube.galaxies WHERE 1=CONTAINS(POINT(ra, dec), CIRCLE(…))</description></language><outputFormat><mime>application/x-votable+xml</mime><alias>votable</alias></outputFormat>`,
  },
  { standardID: DATALINK_STANDARD_ID, path: "/vo/links", use: "base", description: "DataLink 1.1 links of a galaxy" },
];

/**
 * The document; `vosiPrefix` is where it is served (/vo, /vo/tap or /vo/sia),
 * so that the VOSI endpoints it names sit beside it, as TAP clients expect.
 */
export function capabilitiesXml(base: string, maxRadiusDeg: number, vosiPrefix = "/vo"): string {
  const body = CAPABILITIES.map((cap) => (cap.standardID.includes("/VOSI#") ? { ...cap, path: cap.path.replace(/^\/vo/, vosiPrefix) } : cap)).map((cap) => [
    `  <capability standardID="${escapeXml(cap.standardID)}"${cap.type ? ` xsi:type="${cap.type}"` : ""}>`,
    `    <description>${escapeXml(cap.description)}</description>`,
    `    <interface xsi:type="vs:ParamHTTP" role="std">`,
    `      <accessURL use="${cap.use}">${escapeXml(base + cap.path)}</accessURL>`,
    `    </interface>`,
    cap.extra ? `    ${cap.extra(maxRadiusDeg)}` : "",
    `  </capability>`,
  ].filter(Boolean).join("\n"));
  return `<?xml version="1.0" encoding="UTF-8"?>
<vosi:capabilities xmlns:vosi="http://www.ivoa.net/xml/VOSICapabilities/v1.0" xmlns:vr="http://www.ivoa.net/xml/VOResource/v1.0" xmlns:vs="http://www.ivoa.net/xml/VODataService/v1.1" xmlns:cs="http://www.ivoa.net/xml/ConeSearch/v1.0" xmlns:tr="http://www.ivoa.net/xml/TAPRegExt/v1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
${body.join("\n")}
</vosi:capabilities>
`;
}

export function capabilitiesService(vo: VoContext, vosiPrefix = "/vo") {
  return (c: Context): Response =>
    new Response(capabilitiesXml(baseUrlOf(c, vo.settings.voBaseUrl), vo.settings.maxConeRadiusDeg, vosiPrefix), { headers: { "content-type": "text/xml; charset=utf-8" } });
}
