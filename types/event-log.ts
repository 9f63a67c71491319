/**
 * The one logging interface below the server: a structured event log that
 * takes a record of fields and a short message, one JSON line each
 * (server/log.ts makes it with pino). Lower layers (training runs, ingest
 * jobs) log through it without knowing where the lines go.
 */
export interface EventLog {
  info(fields: Record<string, unknown>, message?: string): void;
  warn(fields: Record<string, unknown>, message?: string): void;
  error(fields: Record<string, unknown>, message?: string): void;
}

/** A log that drops everything (tests, and code run without a server). */
export const silentLog: EventLog = { info() {}, warn() {}, error() {} };
