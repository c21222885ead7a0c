/** M4 bucketing: points and block summaries in x order become each bucket's first, min, max and last points. */
import type { StepRange } from '../store/metricBlocks.ts';

/**
 * One line of a chart, column-wise in typed arrays: VS Code hands typed arrays to a webview
 * without turning them into JSON, and they cost no boxing here.
 */
export interface Series {
  /** Run id (or model version id for production metrics). */
  id: number;
  /** Bucketing coordinate: the step (runs) or the timestamp (production metrics). */
  x: Float64Array;
  /** Wall time of each point, ms since epoch. */
  t: Float64Array;
  /** The value; NaN is a gap: NaN or ±Inf was logged there. */
  y: Float64Array;
  /**
   * Indexes of points whose position is only known to a block of the plan's level (a min, max
   * or gap read from metric_blocks): their value is exact; x is the middle of the logged steps
   * of that block and t is interpolated.
   */
  approx: Uint32Array;
  /** How many logged points the range holds (the series summarizes them). */
  points: number;
}

/** How a range is cut: bucket j holds x in [origin + j * width, origin + (j + 1) * width - 1]. */
export interface BucketPlan {
  origin: number;
  width: number;
  /** The block level read (4, 8 or 12: blocks of 16, 256, 4096 steps), or null: the points themselves. */
  shift: number | null;
}

export function finite(value: number | null): value is number {
  return value !== null && Number.isFinite(value);
}

/** Collects points and block summaries in x order and emits each bucket's M4 points. */
export class Bucketer {
  private readonly plan: BucketPlan;
  private readonly id: number;
  private readonly out: Columns;
  private points = 0;
  private bucket = Number.NaN;
  private n = 0;
  private nonfinite = 0;
  private firstX = 0;
  private firstT = 0;
  private firstY: number | null = null;
  private lastX = 0;
  private lastT = 0;
  private lastY: number | null = null;
  private minY = Infinity;
  private minX = 0;
  private minT = 0;
  private minLo = 0;
  private minHi = 0;
  private maxY = -Infinity;
  private maxX = 0;
  private maxT = 0;
  private maxLo = 0;
  private maxHi = 0;
  private gapSeen = false;
  private gapX = 0;
  private gapT = 0;
  private gapLo = 0;
  private gapHi = 0;

  /** `range` sizes the columns: at most five points per bucket. */
  constructor(plan: BucketPlan, id: number, range: StepRange) {
    this.plan = plan;
    this.id = id;
    this.out = new Columns(5 * (Math.floor((range.hi - plan.origin) / plan.width) - Math.floor((range.lo - plan.origin) / plan.width) + 1));
  }

  private enter(x: number): void {
    const bucket = Math.floor((x - this.plan.origin) / this.plan.width);
    if (bucket === this.bucket) return;
    this.flush();
    this.bucket = bucket;
    this.n = 0;
    this.nonfinite = 0;
    this.minY = Infinity;
    this.maxY = -Infinity;
    this.gapSeen = false;
  }

  /** One logged point; x is its step (or timestamp), t its timestamp. */
  addPoint(x: number, t: number, value: number | null): void {
    this.enter(x);
    if (this.n === 0) {
      this.firstX = x;
      this.firstT = t;
      this.firstY = value;
    }
    this.lastX = x;
    this.lastT = t;
    this.lastY = value;
    this.n++;
    if (finite(value)) {
      if (value < this.minY) {
        this.minY = value;
        this.minX = this.minLo = this.minHi = x;
        this.minT = t;
      }
      if (value > this.maxY) {
        this.maxY = value;
        this.maxX = this.maxLo = this.maxHi = x;
        this.maxT = t;
      }
    } else {
      this.nonfinite++;
      if (!this.gapSeen) {
        this.gapSeen = true;
        this.gapX = this.gapLo = this.gapHi = x;
        this.gapT = t;
      }
    }
  }

  /**
   * One metric_blocks row (the block lies inside one bucket, since buckets are whole blocks).
   * A missing min, max or value is null, or NaN when it comes packed.
   */
  addBlock(n: number, nonfinite: number, min: number | null, max: number | null, firstStep: number, firstValue: number | null, lastStep: number, lastValue: number | null, lastTimestamp: number): void {
    this.enter(firstStep);
    if (this.n === 0) {
      this.firstX = firstStep;
      this.firstT = Number.NaN;
      this.firstY = firstValue;
    }
    this.lastX = lastStep;
    this.lastT = lastTimestamp;
    this.lastY = lastValue;
    this.n += n;
    // Inside a block only the value is known, so such points sit in the block's middle.
    const middle = (firstStep + lastStep) / 2;
    const at = firstStep === lastStep ? lastTimestamp : Number.NaN;
    if (min !== null && min < this.minY) {
      this.minY = min;
      this.minX = middle;
      this.minT = at;
      this.minLo = firstStep;
      this.minHi = lastStep;
    }
    if (max !== null && max > this.maxY) {
      this.maxY = max;
      this.maxX = middle;
      this.maxT = at;
      this.maxLo = firstStep;
      this.maxHi = lastStep;
    }
    if (nonfinite > 0) {
      this.nonfinite += nonfinite;
      if (!this.gapSeen) {
        this.gapSeen = true;
        this.gapX = middle;
        this.gapT = at;
        this.gapLo = firstStep;
        this.gapHi = lastStep;
      }
    }
  }

  private flush(): void {
    if (this.n === 0) return;
    const firstY = finite(this.firstY) ? this.firstY : null;
    this.emit(this.firstX, this.firstT, firstY, this.firstX, this.firstX);
    if (this.n > 1) {
      const lastY = finite(this.lastY) ? this.lastY : null;
      // An extreme found inside a block that equals the first or last value draws the same column.
      let minPending = this.minY !== Infinity && !(this.minX !== this.minLo && (this.minY === firstY || this.minY === lastY));
      let maxPending = this.maxY !== -Infinity && !(this.maxX !== this.maxLo && (this.maxY === firstY || this.maxY === lastY));
      // A NaN/±Inf inside the bucket breaks the line there; a nonfinite first or last point already does.
      let gapPending = this.nonfinite > 0 && firstY !== null && lastY !== null;
      // The inner points in x order (ties: min, max, gap); all lie between the first and last.
      while (minPending || maxPending || gapPending) {
        let pick = 0;
        let x = Infinity;
        if (minPending && this.minX < x) {
          pick = 1;
          x = this.minX;
        }
        if (maxPending && this.maxX < x) {
          pick = 2;
          x = this.maxX;
        }
        if (gapPending && this.gapX < x) pick = 3;
        if (pick === 1) {
          this.emit(this.minX, this.minT, this.minY, this.minLo, this.minHi);
          minPending = false;
        } else if (pick === 2) {
          this.emit(this.maxX, this.maxT, this.maxY, this.maxLo, this.maxHi);
          maxPending = false;
        } else {
          this.emit(this.gapX, this.gapT, null, this.gapLo, this.gapHi);
          gapPending = false;
        }
      }
      this.emit(this.lastX, this.lastT, lastY, this.lastX, this.lastX);
    }
    this.points += this.n;
    this.n = 0;
  }

  /** Appends a point unless it repeats the one before (an extreme that is also the first point). */
  private emit(x: number, t: number, y: number | null, lo: number, hi: number): void {
    const out = this.out;
    const last = out.length - 1;
    const value = y ?? Number.NaN;
    if (last >= 0 && out.x[last] === x && Object.is(out.y[last], value) && (out.t[last] === t || Number.isNaN(t))) return;
    out.push(x, t, value, lo !== hi);
  }

  finish(): Series {
    this.flush();
    return this.out.series(this.id, this.points);
  }
}

/** Growable typed columns. */
class Columns {
  x: Float64Array;
  t: Float64Array;
  y: Float64Array;
  private readonly approx: number[] = [];
  length = 0;

  constructor(capacity: number) {
    const size = Math.max(8, Math.min(capacity, 1 << 20));
    this.x = new Float64Array(size);
    this.t = new Float64Array(size);
    this.y = new Float64Array(size);
  }

  push(x: number, t: number, y: number, approx: boolean): void {
    if (this.length === this.x.length) {
      for (const column of ['x', 't', 'y'] as const) {
        const grown = new Float64Array(this.length * 2);
        grown.set(this[column]);
        this[column] = grown;
      }
    }
    if (approx) this.approx.push(this.length);
    this.x[this.length] = x;
    this.t[this.length] = t;
    this.y[this.length] = y;
    this.length++;
  }

  series(id: number, points: number): Series {
    return { id, x: this.x.slice(0, this.length), t: this.t.slice(0, this.length), y: this.y.slice(0, this.length), approx: Uint32Array.from(this.approx), points };
  }
}
