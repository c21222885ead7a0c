/**
 * Which runs of the table are selected, as a list-box selection: a click selects one row,
 * Ctrl/Cmd toggles, Shift extends from the anchor. Kept by run id, so a refresh that reorders or
 * adds rows keeps it. Pure: no DOM, tested in plain Node.
 */
export interface Modifiers {
  /** Shift: extend from the anchor. */
  range?: boolean;
  /** Ctrl/Cmd: toggle, keeping the rest. */
  toggle?: boolean;
}

export class Selection {
  private ids: readonly number[] = [];
  private selected = new Set<number>();
  /** The run a Shift range starts from. */
  private anchor: number | undefined;

  /** The table's runs in order, after a query: selected runs that are gone are dropped. */
  setIds(ids: readonly number[]): void {
    this.ids = ids;
    const present = new Set(ids);
    for (const id of this.selected) if (!present.has(id)) this.selected.delete(id);
    if (this.anchor !== undefined && !present.has(this.anchor)) this.anchor = undefined;
  }

  get size(): number {
    return this.selected.size;
  }

  has(id: number | undefined): boolean {
    return id !== undefined && this.selected.has(id);
  }

  /** Selected ids in table order. */
  list(): number[] {
    return this.ids.filter((id) => this.selected.has(id));
  }

  /** A click (or Space) on the row at `index`. */
  click(index: number, modifiers: Modifiers = {}): void {
    const id = this.ids[index];
    if (id === undefined) return;
    if (modifiers.range && this.anchor !== undefined) {
      if (!modifiers.toggle) this.selected.clear();
      for (const other of this.between(this.anchor, id)) this.selected.add(other);
      return;
    }
    if (modifiers.toggle) {
      if (!this.selected.delete(id)) this.selected.add(id);
    } else {
      this.selected = new Set([id]);
    }
    this.anchor = id;
  }

  /** Shift+arrow: the focus moved to `index`; the range from the anchor follows it. */
  extendTo(index: number): void {
    const id = this.ids[index];
    if (id === undefined) return;
    this.anchor ??= id;
    this.selected = new Set(this.between(this.anchor, id));
  }

  selectAll(): void {
    this.selected = new Set(this.ids);
  }

  /** Replaces the selection (from the Experiments view); ids not in the table are ignored. */
  replace(ids: readonly number[]): void {
    const present = new Set(this.ids);
    this.selected = new Set(ids.filter((id) => present.has(id)));
    this.anchor = ids.find((id) => present.has(id));
  }

  clear(): void {
    this.selected.clear();
    this.anchor = undefined;
  }

  private between(a: number, b: number): number[] {
    const from = this.ids.indexOf(a);
    const to = this.ids.indexOf(b);
    return this.ids.slice(Math.min(from, to), Math.max(from, to) + 1);
  }
}
