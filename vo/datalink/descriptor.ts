/**
 * The DataLink service descriptor put in SSA and SIA results (DataLink 1.1
 * §4, "Service Descriptors"): a RESOURCE type="meta" utype="adhoc:service"
 * naming the {links} endpoint and which column feeds its ID parameter, so a
 * client (pyvo's iter_datalinks, TOPCAT) can follow links row by row.
 */
import { paramXml, textParam } from "../votable/field.js";
import { attributes } from "../votable/xml.js";

export const DATALINK_STANDARD_ID = "ivo://ivoa.net/std/DataLink#links-1.1";
export const DATALINK_CONTENT_TYPE = "application/x-votable+xml;content=datalink";

/** The descriptor; `idFieldId` is the XML ID of the FIELD holding the identifiers. */
export function datalinkDescriptor(base: string, idFieldId: string): string {
  return [
    `<RESOURCE${attributes({ type: "meta", utype: "adhoc:service", ID: "datalink_service", name: "datalink" })}>`,
    paramXml(textParam("standardID", DATALINK_STANDARD_ID)),
    paramXml(textParam("accessURL", `${base}/vo/links`, { ucd: "meta.ref.url" })),
    paramXml(textParam("contentType", DATALINK_CONTENT_TYPE)),
    `<GROUP name="inputParams">`,
    paramXml(textParam("ID", "", { ref: idFieldId, ucd: "meta.id;meta.main" })),
    `</GROUP>`,
    `</RESOURCE>`,
  ].join("\n");
}
