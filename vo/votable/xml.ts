/** XML text and attribute escaping for the VO documents (XML 1.0 §2.4). */

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };

/** Escapes text for element content or a double-quoted attribute; drops characters XML 1.0 forbids. */
export function escapeXml(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, "").replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/** ` name="value"` pairs for the defined attributes, in the order given. */
export function attributes(pairs: Record<string, string | number | undefined | null>): string {
  let out = "";
  for (const [name, value] of Object.entries(pairs)) {
    if (value !== undefined && value !== null) out += ` ${name}="${escapeXml(String(value))}"`;
  }
  return out;
}
