/**
 * The error codes are the public API: clients switch on `extensions.code`
 * (GraphQL), the fault name (VO) or `error.code` (the file routes). Each
 * code has one meaning (documented in the README) and one HTTP status.
 *
 * One mechanism for every transport: code below the protocols throws a
 * `CodedError`; this module knows no protocol (it imports neither graphql
 * nor the VO). Two places turn it into a protocol's error:
 * server/format-error.ts (GraphQL and the JSON file routes) and
 * vo/faults.ts (VOTable faults). Anything that is not a CodedError is
 * INTERNAL_SERVER_ERROR there, unless db/ says the database is unavailable
 * (isDatabaseUnavailable → SERVICE_UNAVAILABLE, 503).
 */
export const ErrorCode = {
  /** The caller sent an argument outside its domain (ra, radius, cursor, order...). */
  BAD_USER_INPUT: "BAD_USER_INPUT",
  /** The object asked for by id does not exist. */
  NOT_FOUND: "NOT_FOUND",
  /** The query is deeper or more expensive than the configured limits. */
  QUERY_TOO_COMPLEX: "QUERY_TOO_COMPLEX",
  /** The HTTP request is malformed before GraphQL sees it (batched operations, a GET without a query, …). */
  BAD_REQUEST: "BAD_REQUEST",
  /** The request body is larger than MAX_BODY_BYTES. */
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  /** The client sent more mutations than MUTATION_RATE_LIMIT per window; retry after `Retry-After` seconds. */
  RATE_LIMITED: "RATE_LIMITED",
  /** A mutation was sent without a valid bearer token. */
  UNAUTHENTICATED: "UNAUTHENTICATED",
  /** The database cannot be reached. */
  SERVICE_UNAVAILABLE: "SERVICE_UNAVAILABLE",
  /** A galaxy's image or spectrum is in a cube shard that is missing or damaged (`extensions.shard` names it); other galaxies still serve. */
  CUBE_UNREADABLE: "CUBE_UNREADABLE",
  /** Anything we did not anticipate: a bug on our side. Details are logged, not returned. */
  INTERNAL_SERVER_ERROR: "INTERNAL_SERVER_ERROR",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const httpStatusOf: Record<ErrorCode, number> = {
  BAD_USER_INPUT: 400,
  NOT_FOUND: 404,
  QUERY_TOO_COMPLEX: 400,
  BAD_REQUEST: 400,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  UNAUTHENTICATED: 401,
  SERVICE_UNAVAILABLE: 503,
  CUBE_UNREADABLE: 500,
  INTERNAL_SERVER_ERROR: 500,
};

/** One problem with one argument; several may be reported at once. */
export interface InputProblem {
  argument: string;
  message: string;
}

/** What a client may read besides code and message (`extensions` in GraphQL): problems, cost, limit, … */
export interface ErrorDetails {
  problems?: InputProblem[];
  /** RATE_LIMITED: seconds until a retry may succeed (also the Retry-After header). */
  retryAfterSeconds?: number;
  [key: string]: unknown;
}

/** An error with a public code: its message is safe to return to the caller. */
export class CodedError extends Error {
  override name = "CodedError";
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetails = {},
  ) {
    super(message);
  }

  get httpStatus(): number {
    return httpStatusOf[this.code];
  }
}

/** A caller's bad input: every problem found, not just the first. */
export class UserInputError extends CodedError {
  constructor(readonly problems: InputProblem[]) {
    super(ErrorCode.BAD_USER_INPUT, problems.map((p) => `${p.argument}: ${p.message}`).join("; "), { problems });
  }
}

/** The object asked for does not exist: `new NotFoundError("Galaxy", id)`, or the problems naming each argument that names nothing. */
export class NotFoundError extends CodedError {
  constructor(what: string, id: string, argument?: string);
  constructor(problems: InputProblem[]);
  constructor(whatOrProblems: string | InputProblem[], id?: string, argument = "id") {
    if (typeof whatOrProblems === "string") {
      const message = `${whatOrProblems} ${JSON.stringify(id)} does not exist`;
      super(ErrorCode.NOT_FOUND, message, { problems: [{ argument, message }] });
    }
    else super(ErrorCode.NOT_FOUND, whatOrProblems.map((p) => `${p.argument}: ${p.message}`).join("; "), { problems: whatOrProblems });
  }
}

/** A mutation without a valid `Authorization: Bearer <token>` header. */
export class UnauthenticatedError extends CodedError {
  constructor() {
    super(ErrorCode.UNAUTHENTICATED, "Mutations need the header `Authorization: Bearer <API_TOKEN>`");
  }
}

/** Collects input problems, then throws them together. */
export class InputChecker {
  private readonly problems: InputProblem[] = [];

  check(ok: boolean, argument: string, message: string): this {
    if (!ok) this.problems.push({ argument, message });
    return this;
  }

  throwIfAny(): void {
    if (this.problems.length > 0) throw new UserInputError(this.problems);
  }
}
