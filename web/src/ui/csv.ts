/** The numbers behind a plot, as a CSV download link (the plots' text alternative for tools). */
import { h } from "./dom";

function cell(value: unknown): string {
  const text = value === null || value === undefined || (typeof value === "number" && !Number.isFinite(value)) ? "" : String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvText(header: string[], rows: unknown[][]): string {
  return [header, ...rows].map((row) => row.map(cell).join(",")).join("\n") + "\n";
}

export function csvLink(fileName: string, label: string, header: string[], rows: () => unknown[][]): HTMLAnchorElement {
  const link = h("a", { href: "#", download: fileName, class: "csv" }, label);
  // Built on demand: a 4,620-bin spectrum need not be serialised until asked for.
  link.addEventListener("click", () => {
    const blob = new Blob([csvText(header, rows())], { type: "text/csv" });
    link.href = URL.createObjectURL(blob);
  });
  return link;
}
