/**
 * Calls `work` at most once per `intervalMs`: the first call runs at once, calls during the wait
 * collapse into one at its end, so the last change is never missed.
 */
export function throttle(work: () => void, intervalMs: number): { (): void; cancel(): void } {
  let last = -Infinity;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const fire = () => {
    timer = undefined;
    last = Date.now();
    work();
  };
  const call = () => {
    if (timer) return;
    const wait = last + intervalMs - Date.now();
    if (wait <= 0) fire();
    else timer = setTimeout(fire, wait);
  };
  call.cancel = () => {
    clearTimeout(timer);
    timer = undefined;
  };
  return call;
}
