/**
 * Errors of the VO services as their protocols spell them. DALI 1.1 §4.4:
 * a RESOURCE type="results" whose INFO name="QUERY_STATUS" value="ERROR"
 * carries the message, prefixed by a fault name (UsageFault, NotFoundFault,
 * Error); SCS 1.03 §3: an INFO name="Error" just below VOTABLE. We write both
 * in every document so either kind of client finds it.
 *
 * One normaliser, the VO's half of the error mechanism (errors/codes.ts;
 * GraphQL's is server/format-error.ts): a CodedError keeps its message and
 * HTTP status under its fault name; an unavailable database (db/) is a 503
 * ServiceUnavailable; anything else becomes a 500 "Error: internal" and is
 * logged, never returned (no stack traces, no parameters).
 */
import { CubeError } from "../cube/cube-store.js";
import { isDatabaseUnavailable } from "../db/database.js";
import { CodedError, ErrorCode, httpStatusOf, type InputChecker } from "../errors/codes.js";
import { escapeXml } from "./votable/xml.js";
import { VOTABLE_CONTENT_TYPE, VOTABLE_NAMESPACE } from "./votable/writer.js";

const FAULT_OF: Record<ErrorCode, string> = {
  BAD_USER_INPUT: "UsageFault",
  NOT_FOUND: "NotFoundFault",
  QUERY_TOO_COMPLEX: "UsageFault",
  BAD_REQUEST: "UsageFault",
  PAYLOAD_TOO_LARGE: "UsageFault",
  RATE_LIMITED: "UsageFault",
  UNAUTHENTICATED: "AuthenticationFault",
  SERVICE_UNAVAILABLE: "ServiceUnavailable",
  CUBE_UNREADABLE: "Error",
  INTERNAL_SERVER_ERROR: "Error",
};

/** A caller's mistake in a VO request (parameter name as the protocol spells it). */
export class VoUsageError extends CodedError {
  constructor(message: string, code: ErrorCode = ErrorCode.BAD_USER_INPUT) {
    super(code, message);
  }
}

export interface Fault {
  code: ErrorCode;
  /** "UsageFault: POS: …" — the DALI message. */
  message: string;
  status: number;
}

/** Any thrown value → a fault; unknown errors are logged and hidden. */
export function faultOf(error: unknown): Fault {
  if (error instanceof CodedError && error.code !== ErrorCode.INTERNAL_SERVER_ERROR) {
    return { code: error.code, message: `${FAULT_OF[error.code]}: ${error.message}`, status: error.httpStatus };
  }
  if (error instanceof CubeError && error.code === "CUBE_UNREADABLE") {
    console.error(`cube: ${error.message}`);
    return { code: ErrorCode.CUBE_UNREADABLE, message: `Error: the cube shard ${error.shard} holding this galaxy's data is missing or damaged`, status: httpStatusOf.CUBE_UNREADABLE };
  }
  if (isDatabaseUnavailable(error)) return { code: ErrorCode.SERVICE_UNAVAILABLE, message: "ServiceUnavailable: the database cannot be reached", status: 503 };
  console.error("VO service error:", error instanceof Error ? error.message : typeof error);
  return { code: ErrorCode.INTERNAL_SERVER_ERROR, message: "Error: internal server error", status: 500 };
}

/** The VOTable error document of a fault, readable by DALI and SCS 1.03 clients alike. */
export function faultDocument(fault: Fault): string {
  const message = escapeXml(fault.message);
  return `<?xml version="1.0" encoding="UTF-8"?>
<VOTABLE version="1.4" xmlns="${VOTABLE_NAMESPACE}">
<INFO name="Error" value="${message}"/>
<RESOURCE type="results">
<INFO name="QUERY_STATUS" value="ERROR">${message}</INFO>
</RESOURCE>
</VOTABLE>
`;
}

export function faultResponse(error: unknown): Response {
  const fault = faultOf(error);
  return new Response(faultDocument(fault), { status: fault.status, headers: { "content-type": VOTABLE_CONTENT_TYPE } });
}

/** Every problem the checker collected, as one UsageFault (a UserInputError: BAD_USER_INPUT). */
export function throwUsageFaults(checker: InputChecker): void {
  checker.throwIfAny();
}
