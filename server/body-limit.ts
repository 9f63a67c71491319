/**
 * MAX_BODY_BYTES on every route, without turning every request into a
 * WHATWG Request. Hono's bodyLimit looks at `c.req.raw.body`, which makes
 * @hono/node-server build the full undici Request (an AbortController, a
 * ReadableStream over the socket) for each request: ~6 % of the server's
 * time on small GraphQL requests (bench:http profile). A body with a
 * Content-Length is judged by the header alone — Node's HTTP parser hands
 * the handler exactly that many bytes, never more — and a chunked body (no
 * length known) still goes through Hono's bodyLimit, which counts the bytes
 * as they arrive. A request with neither has no body.
 */
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit as countingBodyLimit } from "hono/body-limit";

export function bodyLimit(options: { maxSize: number; onError: (c: Context) => Response | Promise<Response> }): MiddlewareHandler {
  const counting = countingBodyLimit(options);
  return async (c, next) => {
    if (c.req.header("transfer-encoding") !== undefined) return counting(c, next);
    const length = c.req.header("content-length");
    if (length === undefined) return next();
    return parseInt(length, 10) > options.maxSize ? options.onError(c) : next();
  };
}
