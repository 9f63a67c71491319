/**
 * Per-client limit on mutations: at most `limit` per fixed window of
 * `windowMs`, counted separately for each bearer token (hashed; the token
 * itself is never kept) and each client IP address, so neither many tokens
 * from one address nor one token from many addresses gets past it. Fixed
 * windows keep one counter per key; expired keys are swept as the map grows,
 * so memory is bounded by the clients of one window.
 */
import { createHash } from "node:crypto";

export interface RateDecision {
  allowed: boolean;
  /** Whole seconds until the window that refused resets (0 when allowed). */
  retryAfterS: number;
}

const SWEEP_ABOVE_KEYS = 10_000;

export class RateLimiter {
  private readonly windows = new Map<string, { startMs: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one request of a client (its IP and, when present, its Authorization header) and decides. */
  take(ip: string, authorization: string | undefined): RateDecision {
    if (this.limit <= 0) return { allowed: true, retryAfterS: 0 };
    const keys = [`ip:${ip}`];
    if (authorization) keys.push(`token:${createHash("sha256").update(authorization).digest("base64url")}`);
    const nowMs = this.now();
    if (this.windows.size > SWEEP_ABOVE_KEYS) this.sweep(nowMs);
    let retryAfterS = 0;
    for (const key of keys) {
      let window = this.windows.get(key);
      if (!window || nowMs - window.startMs >= this.windowMs) {
        window = { startMs: nowMs, count: 0 };
        this.windows.set(key, window);
      }
      window.count++;
      if (window.count > this.limit) retryAfterS = Math.max(retryAfterS, Math.ceil((window.startMs + this.windowMs - nowMs) / 1000));
    }
    return { allowed: retryAfterS === 0, retryAfterS };
  }

  private sweep(nowMs: number): void {
    for (const [key, window] of this.windows) if (nowMs - window.startMs >= this.windowMs) this.windows.delete(key);
  }
}
