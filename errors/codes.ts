import { GraphQLError } from "graphql";

/**
 * The error codes are the public API: clients switch on `extensions.code`.
 * Each code has one meaning (documented in the README) and one HTTP status
 * for the non-GraphQL endpoints.
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
  INTERNAL_SERVER_ERROR: 500,
};

/** One problem with one argument; several may be reported at once. */
export interface InputProblem {
  argument: string;
  message: string;
}

/** A caller's bad input: every problem found, not just the first. */
export class UserInputError extends GraphQLError {
  constructor(readonly problems: InputProblem[]) {
    super(problems.map((p) => `${p.argument}: ${p.message}`).join("; "), {
      extensions: { code: ErrorCode.BAD_USER_INPUT, problems },
    });
  }
}

/** NOT_FOUND, with `problems` naming the argument (as BAD_USER_INPUT has). */
export class NotFoundError extends GraphQLError {
  constructor(what: string, id: string, argument = "id") {
    const message = `${what} ${JSON.stringify(id)} does not exist`;
    super(message, {
      extensions: { code: ErrorCode.NOT_FOUND, problems: [{ argument, message }] },
    });
  }
}

/** A mutation without a valid `Authorization: Bearer <token>` header. */
export class UnauthenticatedError extends GraphQLError {
  constructor() {
    super("Mutations need the header `Authorization: Bearer <API_TOKEN>`", { extensions: { code: ErrorCode.UNAUTHENTICATED } });
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
