/** Prints one benchmark figure in the project's format. */
export function report(name: string, value: number, unit: string, baseline?: { value: number; name: string; higherIsBetter?: boolean }): void {
  let line = `BENCH ${name} value=${round(value)} unit=${unit}`;
  if (baseline) line += ` ratio=${round(value / baseline.value)} vs=${baseline.name}`;
  process.stdout.write(`${line}\n`);
}

function round(value: number): number {
  return Number(value.toPrecision(4));
}

/** Median wall time of `work` over `repeats` runs, in ms. */
export async function medianMs(repeats: number, work: () => unknown): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    await work();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}
