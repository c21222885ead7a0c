/**
 * Which runs the open panels (Compare, run page, runs table) show, so remote ones among them get
 * their histories fetched and, while RUNNING, polled. Panels say what they show on each refresh
 * and stop on dispose; the poller (servers.ts) listens.
 */
interface Shown {
  runIds: readonly number[];
  /** Charts need whole histories; a table only the runs' status and latest values. */
  histories: boolean;
}

const shown = new Map<object, Shown>();
const listeners = new Set<() => void>();

export function showRuns(owner: object, runIds: readonly number[], histories = true): void {
  const before = shown.get(owner);
  if (before && before.histories === histories && before.runIds.length === runIds.length && before.runIds.every((id, i) => id === runIds[i])) return;
  shown.set(owner, { runIds: [...runIds], histories });
  for (const listener of listeners) listener();
}

export function hideRuns(owner: object): void {
  if (shown.delete(owner)) for (const listener of listeners) listener();
}

/** The runs shown anywhere, and which of them are drawn as charts. */
export function shownRuns(): { all: number[]; charted: Set<number> } {
  const all = new Set<number>();
  const charted = new Set<number>();
  for (const { runIds, histories } of shown.values()) {
    for (const id of runIds) {
      all.add(id);
      if (histories) charted.add(id);
    }
  }
  return { all: [...all], charted };
}

export function onShownRunsChanged(listener: () => void): { dispose(): void } {
  listeners.add(listener);
  return { dispose: () => listeners.delete(listener) };
}
