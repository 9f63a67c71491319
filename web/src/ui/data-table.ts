/**
 * A sortable, paged, keyboard-navigable table (roving tabindex on rows):
 * ↑/↓ move the selection, PageUp/PageDown and Home/End change page or go to
 * the ends, Enter opens the row; header buttons sort (aria-sort says how).
 */
import { h } from "./dom";

export interface Column<R> {
  key: string;
  label: string;
  /** The value sorted by (null sorts last). */
  value: (row: R) => number | string | null;
  render?: (row: R) => Node | string;
  left?: boolean;
  sortable?: boolean;
}

export interface TableOptions<R> {
  pageSize: number;
  caption: string;
  onSelect?: (row: R) => void;
  onOpen?: (row: R) => void;
}

export class DataTable<R extends { id: string }> {
  readonly element: HTMLElement;
  private readonly table = h("table", { class: "data", id: "cone-table" });
  private readonly status = h("span", { "aria-live": "polite" });
  private sortKey: string | null = null;
  private descending = false;
  private page = 0;
  private selectedId: string | null = null;
  private order: R[];

  constructor(private readonly columns: Column<R>[], private readonly rows: R[], private readonly options: TableOptions<R>) {
    this.order = [...rows];
    const previous = h("button", { type: "button", id: "page-previous" }, "◀ previous");
    const next = h("button", { type: "button", id: "page-next" }, "next ▶");
    previous.addEventListener("click", () => this.goToPage(this.page - 1));
    next.addEventListener("click", () => this.goToPage(this.page + 1));
    this.element = h("div", { class: "table-wrap" }, h("div", { class: "pager" }, previous, this.status, next), this.table);
    this.render();
  }

  get pageCount(): number {
    return Math.max(1, Math.ceil(this.order.length / this.options.pageSize));
  }

  sortBy(key: string, descending?: boolean): void {
    const column = this.columns.find((c) => c.key === key);
    if (!column) return;
    this.descending = descending ?? (this.sortKey === key ? !this.descending : false);
    this.sortKey = key;
    const sign = this.descending ? -1 : 1;
    this.order = [...this.rows].sort((a, b) => {
      const [x, y] = [column.value(a), column.value(b)];
      if (x === null || (typeof x === "number" && !Number.isFinite(x))) return 1;
      if (y === null || (typeof y === "number" && !Number.isFinite(y))) return -1;
      return (x < y ? -1 : x > y ? 1 : 0) * sign;
    });
    this.page = 0;
    this.render();
  }

  /** Selects a row by id (e.g. from the sky plot), turning to its page. */
  select(id: string, focus = false): void {
    const index = this.order.findIndex((row) => row.id === id);
    if (index < 0) return;
    this.selectedId = id;
    this.page = Math.floor(index / this.options.pageSize);
    this.render();
    if (focus) (this.table.querySelector(`tr[data-id="${id}"]`) as HTMLElement | null)?.focus();
    this.options.onSelect?.(this.order[index]);
  }

  private goToPage(page: number): void {
    this.page = Math.min(this.pageCount - 1, Math.max(0, page));
    this.render();
  }

  private render(): void {
    const start = this.page * this.options.pageSize;
    const visible = this.order.slice(start, start + this.options.pageSize);
    const head = h("tr", {}, ...this.columns.map((column) => {
      const sorted = this.sortKey === column.key ? (this.descending ? "descending" : "ascending") : "none";
      const th = h("th", { scope: "col", class: column.left ? "left" : undefined, "aria-sort": sorted, "data-key": column.key });
      if (column.sortable === false) th.append(column.label);
      else {
        const button = h("button", { type: "button", title: `Sort by ${column.label}` }, column.label, sorted === "none" ? "" : sorted === "ascending" ? " ▲" : " ▼");
        button.addEventListener("click", () => this.sortBy(column.key));
        th.append(button);
      }
      return th;
    }));
    const focusable = visible.some((row) => row.id === this.selectedId) ? this.selectedId : visible[0]?.id;
    const body = h("tbody", {}, ...visible.map((row) => {
      const tr = h("tr", { "data-id": row.id, tabindex: row.id === focusable ? 0 : -1, class: row.id === this.selectedId ? "selected" : undefined, "aria-selected": String(row.id === this.selectedId) },
        ...this.columns.map((column) => h("td", { class: column.left ? "left" : undefined }, column.render ? column.render(row) : String(column.value(row) ?? "–"))));
      tr.addEventListener("click", () => this.select(row.id));
      tr.addEventListener("dblclick", () => this.options.onOpen?.(row));
      tr.addEventListener("keydown", (event) => this.onKey(event, row));
      return tr;
    }));
    this.table.replaceChildren(h("caption", { class: "sr-only" }, this.options.caption), h("thead", {}, head), body);
    this.status.textContent = `page ${this.page + 1} of ${this.pageCount} (${this.order.length} rows)`;
  }

  private onKey(event: KeyboardEvent, row: R): void {
    const index = this.order.findIndex((r) => r.id === row.id);
    const size = this.options.pageSize;
    const targets: Record<string, number> = {
      ArrowDown: index + 1, ArrowUp: index - 1, PageDown: index + size, PageUp: index - size, Home: 0, End: this.order.length - 1,
    };
    if (event.key === "Enter") {
      event.preventDefault();
      this.options.onOpen?.(row);
      return;
    }
    const target = targets[event.key];
    if (target === undefined) return;
    event.preventDefault();
    const clamped = Math.min(this.order.length - 1, Math.max(0, target));
    this.select(this.order[clamped].id, true);
  }
}
