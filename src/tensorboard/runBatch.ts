import type { Value } from '@bufbuild/protobuf/wkt';
import { ChunkPoints } from '../mlflow/tiedPoints.ts';
import type { RunStatus } from '../tracking/model.ts';
import type { EventSink, SkippedKind } from './events.ts';
import { Status } from './proto/tensorboard/plugins/hparams/api_pb.js';
import type { HParamsPluginData } from './proto/tensorboard/plugins/hparams/plugin_data_pb.js';

/** Text summaries with these tags (tensorboardX adds "/text_summary") also become the run's notes. */
const NOTE_TAGS = /^(notes?|description)(\/text_summary)?$/i;

const HPARAMS_STATUS: Partial<Record<Status, RunStatus>> = {
  [Status.SUCCESS]: 'FINISHED',
  [Status.FAILURE]: 'FAILED',
  [Status.RUNNING]: 'RUNNING',
};

/** Keeps the hparams session's end status, so a later sync that reads on from there still knows it. */
export const END_STATUS_TAG = 'tensorboard.hparams.status';

/** An hparams value as TensorBoard's hparams dashboard shows it. */
function paramText(value: Value): string | undefined {
  switch (value.kind.case) {
    case 'numberValue':
      return String(value.kind.value);
    case 'stringValue':
      return value.kind.value;
    case 'boolValue':
      return value.kind.value ? 'true' : 'false';
    default:
      return undefined;
  }
}

/** What the records read since the last write hold for one run: written to the store in one transaction. */
export class RunBatch implements EventSink {
  /** Metric key -> its points, in file order. */
  readonly points = new Map<string, ChunkPoints>();
  readonly tags = new Map<string, string>();
  readonly params = new Map<string, string>();
  notes: string | undefined;
  /** The session's end as the hparams plugin recorded it; kept across writes of the same run. */
  endStatus: RunStatus | undefined;
  firstTimestamp = Number.POSITIVE_INFINITY;
  lastTimestamp = Number.NEGATIVE_INFINITY;
  pointCount = 0;
  /** Prefix of the keys of the file being read (`train/` when train/validation are merged). */
  keyPrefix = '';
  private readonly onSkipped: (kind: SkippedKind) => void;

  constructor(onSkipped: (kind: SkippedKind) => void) {
    this.onSkipped = onSkipped;
  }

  scalar(tag: string, step: number, timestamp: number, value: number): void {
    const key = this.keyPrefix + tag;
    let points = this.points.get(key);
    if (!points) this.points.set(key, (points = new ChunkPoints()));
    points.push(step, timestamp, value);
    this.pointCount++;
  }

  text(tag: string, _step: number, text: string): void {
    const key = this.keyPrefix + tag;
    this.tags.set(key, text);
    if (NOTE_TAGS.test(tag)) this.notes = text;
  }

  hparams(data: HParamsPluginData, timestamp: number): void {
    switch (data.data.case) {
      case 'sessionStartInfo': {
        const start = data.data.value;
        for (const [name, value] of Object.entries(start.hparams)) {
          const text = paramText(value);
          if (text !== undefined) this.params.set(name, text);
        }
        if (start.groupName) this.tags.set('tensorboard.hparams.group', start.groupName);
        if (start.startTimeSecs) this.wallTime(Math.round(start.startTimeSecs * 1000));
        break;
      }
      case 'sessionEndInfo': {
        const status = HPARAMS_STATUS[data.data.value.status];
        if (status) {
          this.endStatus = status;
          this.tags.set(END_STATUS_TAG, status);
        }
        if (data.data.value.endTimeSecs) this.wallTime(Math.round(data.data.value.endTimeSecs * 1000));
        break;
      }
      default:
        // The experiment config lists the hparams and metrics of every session; each session holds its own.
        this.wallTime(timestamp);
    }
  }

  skipped(kind: SkippedKind): void {
    this.onSkipped(kind);
  }

  wallTime(timestamp: number): void {
    if (timestamp < this.firstTimestamp) this.firstTimestamp = timestamp;
    if (timestamp > this.lastTimestamp) this.lastTimestamp = timestamp;
  }

  get isEmpty(): boolean {
    return this.pointCount === 0 && this.tags.size === 0 && this.params.size === 0 && this.endStatus === undefined && this.firstTimestamp === Number.POSITIVE_INFINITY;
  }

  clear(): void {
    this.points.clear();
    this.tags.clear();
    this.params.clear();
    this.notes = undefined;
    this.pointCount = 0;
    this.firstTimestamp = Number.POSITIVE_INFINITY;
    this.lastTimestamp = Number.NEGATIVE_INFINITY;
  }
}
