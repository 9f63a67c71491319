/**
 * The structured log: pino, one JSON object a line on stdout (time as ISO
 * 8601, level as a name). The server writes one line per HTTP request
 * (server/observe.ts), training runs one per run (models/training/
 * executor.ts), through the EventLog interface of types/event-log.ts. The
 * human start-up lines ("skycube listening on …") stay plain text.
 */
import { pino, type DestinationStream, type Logger } from "pino";
import type { EventLog } from "../types/event-log.js";

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A logger at `level` writing to `destination` (stdout, synchronously, by default: nothing is lost at exit). */
export function createLogger(level: string, destination?: DestinationStream): Logger & EventLog {
  return pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
}
