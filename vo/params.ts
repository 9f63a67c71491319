/**
 * DAL request parameters: names are case-insensitive and values may repeat
 * (DALI 1.1 §3.1); GET query strings and POSTed forms are read alike.
 */
import type { Context } from "hono";

export class DalParameters {
  private readonly values = new Map<string, string[]>();

  constructor(entries: Iterable<[string, string]>) {
    for (const [name, value] of entries) {
      const key = name.toUpperCase();
      const list = this.values.get(key) ?? [];
      list.push(value);
      this.values.set(key, list);
    }
  }

  static async of(c: Context): Promise<DalParameters> {
    const entries: [string, string][] = [...new URL(c.req.url).searchParams.entries()];
    if (c.req.method === "POST") {
      const type = c.req.header("content-type") ?? "";
      if (type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data")) {
        const form = await c.req.formData();
        for (const [name, value] of form.entries()) if (typeof value === "string") entries.push([name, value]);
      }
    }
    return new DalParameters(entries);
  }

  /** The last value given for a name (trimmed), or undefined when absent or empty. */
  get(name: string): string | undefined {
    const list = this.values.get(name.toUpperCase());
    const value = list?.[list.length - 1]?.trim();
    return value === undefined || value === "" ? undefined : value;
  }

  all(name: string): string[] {
    return (this.values.get(name.toUpperCase()) ?? []).map((v) => v.trim()).filter((v) => v !== "");
  }

  has(name: string): boolean {
    return this.values.has(name.toUpperCase());
  }
}

/** Parses a decimal number the way DAL parameters write them; NaN when it is not one. */
export function parseNumber(text: string | undefined): number {
  if (text === undefined || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return Number.NaN;
  return Number(text);
}
