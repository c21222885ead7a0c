import { z } from 'zod';

/**
 * The framing document: every answer of the framing wizard, stored as versioned JSON in
 * framings.document (and each revision in framing_revisions). Loading from the store or from a
 * re-imported file always goes through `parseFramingDocument`, so a damaged or hand-edited
 * document is reported field by field instead of breaking the views.
 */

export const FRAMING_FORMAT = 'ml-lifecycle.framing';
export const FRAMING_VERSION = 1;

/** Longest text kept in one field: room for real notes, a limit on accidents. */
export const TEXT_MAX = 20_000;
export const NAME_MAX = 1_000;
export const LIST_MAX = 50;

export const ANSWERS = ['yes', 'no', 'not-sure'] as const;
export type Answer = (typeof ANSWERS)[number];

export const CRITERION_IDS = [
  'learnable',
  'complexPatterns',
  'dataAvailable',
  'predictive',
  'similarData',
  'repetitive',
  'cheapErrors',
  'atScale',
  'changingPatterns',
] as const;
export type CriterionId = (typeof CRITERION_IDS)[number];

export const TASK_KINDS = ['predictive', 'generative'] as const;
export const AUDIENCES = ['consumer', 'enterprise'] as const;
export const OBJECTIVE_CATEGORIES = [
  'model-quality',
  'latency',
  'revenue',
  'cost',
  'user-experience',
  'fairness',
  'interpretability',
  'compliance',
  'other',
] as const;
export type ObjectiveCategory = (typeof OBJECTIVE_CATEGORIES)[number];
export const SOURCE_KINDS = ['internal-database', 'api', 'open-dataset', 'purchased', 'other'] as const;
export const LEARNING_KINDS = ['supervised', 'unsupervised'] as const;
export const TASK_TYPES = ['classification', 'regression', 'ranking', 'anomaly-detection', 'forecasting', 'other'] as const;
export const DIRECTIONS = ['max', 'min'] as const;
export const SPLITS = ['random', 'time-based', 'grouped', 'other'] as const;
export const QUALITY_IDS = ['interpretability', 'fairness', 'reliability', 'scalability', 'maintainability', 'adaptability'] as const;
export type QualityId = (typeof QUALITY_IDS)[number];
export const PERIODS = ['month', 'quarter', 'year'] as const;
export type Period = (typeof PERIODS)[number];
export const GAIN_KINDS = ['revenue', 'savings', 'other'] as const;
export const COST_KINDS = ['build', 'data', 'infrastructure', 'upkeep', 'other'] as const;
export const SERVING_KINDS = ['batch', 'online', 'streaming', 'edge'] as const;

const text = z.string().max(TEXT_MAX, { error: `is longer than ${TEXT_MAX.toLocaleString('en-US')} characters; shorten it` });
const answer = z.enum(ANSWERS).nullable();
const amount = z.number().min(0, { error: 'cannot be negative' }).nullable();

const criterionSchema = z.strictObject({ answer, note: text });
const qualitySchema = z.strictObject({ required: z.boolean(), note: text });

export const problemSchema = z.strictObject({
  name: z.string().trim().min(1, { error: 'is empty; give the project a name' }).max(NAME_MAX),
  businessMetric: text,
  whyNow: text,
  endUser: text,
  taskKind: z.enum(TASK_KINDS).nullable(),
});

export const criteriaSchema = z.strictObject(
  Object.fromEntries(CRITERION_IDS.map((id) => [id, criterionSchema])) as Record<CriterionId, typeof criterionSchema>,
);

export const valueSchema = z.strictObject({
  targetCustomer: text,
  need: text,
  product: text,
  category: text,
  benefit: text,
  persona: text,
  audience: z.enum(AUDIENCES).nullable(),
  latencyVsAccuracy: text,
});

export const stakeholderSchema = z.strictObject({ name: text, objective: text, category: z.enum(OBJECTIVE_CATEGORIES).nullable() });

export const dataSourceSchema = z.strictObject({ kind: z.enum(SOURCE_KINDS).nullable(), description: text });

export const errorCostSchema = z.strictObject({ error: text, consequence: text });

export const gainSchema = z.strictObject({ label: text, kind: z.enum(GAIN_KINDS).nullable(), amount });

export const costSchema = z.strictObject({ label: text, kind: z.enum(COST_KINDS).nullable(), amount, recurring: z.boolean() });

export const framingDocumentSchema = z.strictObject({
  format: z.literal(FRAMING_FORMAT),
  version: z.literal(FRAMING_VERSION),
  problem: problemSchema,
  criteria: criteriaSchema,
  value: valueSchema,
  stakeholders: z.strictObject({ entries: z.array(stakeholderSchema).max(LIST_MAX) }),
  data: z.strictObject({
    sources: z.array(dataSourceSchema).max(LIST_MAX),
    labels: text,
    storageCost: text,
    purchaseCost: text,
    labellingCost: text,
    drift: answer,
    driftNote: text,
  }),
  prediction: z.strictObject({
    learning: z.enum(LEARNING_KINDS).nullable(),
    taskType: z.enum(TASK_TYPES).nullable(),
    inputs: text,
    outputs: text,
    features: text,
    domainExperts: text,
  }),
  evaluation: z.strictObject({
    metric: z.string().max(250),
    direction: z.enum(DIRECTIONS).nullable(),
    threshold: z.number().nullable(),
    baseline: text,
    nonMlBaseline: text,
    split: z.enum(SPLITS).nullable(),
    splitNote: text,
    errorCosts: z.array(errorCostSchema).max(LIST_MAX),
  }),
  requirements: z.strictObject({
    latencyMs: z.number().min(0, { error: 'cannot be negative' }).nullable(),
    throughputPerSecond: z.number().min(0, { error: 'cannot be negative' }).nullable(),
    ...(Object.fromEntries(QUALITY_IDS.map((id) => [id, qualitySchema])) as Record<QualityId, typeof qualitySchema>),
  }),
  roi: z.strictObject({
    currency: z.string().max(20),
    period: z.enum(PERIODS),
    horizon: z.number().int().min(1).max(1000),
    gains: z.array(gainSchema).max(LIST_MAX),
    costs: z.array(costSchema).max(LIST_MAX),
  }),
  lifecycle: z.strictObject({
    serving: z.enum(SERVING_KINDS).nullable(),
    servingNote: text,
    monitorPerformance: z.boolean(),
    monitorLatency: z.boolean(),
    monitorDrift: z.boolean(),
    monitoringNote: text,
    retrainOnDecay: z.boolean(),
    retrainOnNewPattern: z.boolean(),
    retrainOnChangedAssumptions: z.boolean(),
    retrainOnChangedObjective: z.boolean(),
    retrainingNote: text,
    governance: text,
  }),
});

export type FramingDocument = z.infer<typeof framingDocumentSchema>;
export type Criteria = FramingDocument['criteria'];
export type Stakeholder = z.infer<typeof stakeholderSchema>;
export type Gain = z.infer<typeof gainSchema>;
export type Cost = z.infer<typeof costSchema>;

/** A new, empty framing: nothing answered, the list rows people usually need already there. */
export function emptyFramingDocument(name: string): FramingDocument {
  const quality = () => ({ required: false, note: '' });
  return {
    format: FRAMING_FORMAT,
    version: FRAMING_VERSION,
    problem: { name, businessMetric: '', whyNow: '', endUser: '', taskKind: null },
    criteria: Object.fromEntries(CRITERION_IDS.map((id) => [id, { answer: null, note: '' }])) as Criteria,
    value: { targetCustomer: '', need: '', product: '', category: '', benefit: '', persona: '', audience: null, latencyVsAccuracy: '' },
    stakeholders: { entries: [] },
    data: { sources: [], labels: '', storageCost: '', purchaseCost: '', labellingCost: '', drift: null, driftNote: '' },
    prediction: { learning: null, taskType: null, inputs: '', outputs: '', features: '', domainExperts: '' },
    evaluation: {
      metric: '',
      direction: null,
      threshold: null,
      baseline: '',
      nonMlBaseline: '',
      split: null,
      splitNote: '',
      errorCosts: [
        { error: 'False positive', consequence: '' },
        { error: 'False negative', consequence: '' },
      ],
    },
    requirements: {
      latencyMs: null,
      throughputPerSecond: null,
      interpretability: quality(),
      fairness: quality(),
      reliability: quality(),
      scalability: quality(),
      maintainability: quality(),
      adaptability: quality(),
    },
    roi: { currency: 'USD', period: 'month', horizon: 12, gains: [], costs: [] },
    lifecycle: {
      serving: null,
      servingNote: '',
      monitorPerformance: false,
      monitorLatency: false,
      monitorDrift: false,
      monitoringNote: '',
      retrainOnDecay: false,
      retrainOnNewPattern: false,
      retrainOnChangedAssumptions: false,
      retrainOnChangedObjective: false,
      retrainingNote: '',
      governance: '',
    },
  };
}

/** A framing document that failed validation; `problems` name each field and what is wrong. */
export class FramingFormatError extends Error {
  readonly problems: readonly string[];
  constructor(source: string, problems: readonly string[]) {
    super(`${source} is not a valid framing: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? `; and ${problems.length - 5} more` : ''}.`);
    this.name = 'FramingFormatError';
    this.problems = problems;
  }
}

/**
 * Validates a document read from the store or from a file. `source` names it in messages
 * ("framing \"Churn\" revision 3", "ML_FRAMING.json").
 */
export function parseFramingDocument(raw: unknown, source: string): FramingDocument {
  if (typeof raw === 'object' && raw !== null && 'version' in raw && typeof raw.version === 'number' && raw.version > FRAMING_VERSION) {
    throw new FramingFormatError(source, [`it was written by a newer ML Lifecycle (format version ${raw.version}); update the extension to open it`]);
  }
  const parsed = framingDocumentSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new FramingFormatError(
    source,
    parsed.error.issues.map((issue) => `field ${issue.path.join('.') || '(document)'} ${issue.message}`),
  );
}

/** Parses the JSON text of a stored document. */
export function parseFramingJson(json: string, source: string): FramingDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    throw new FramingFormatError(source, [`it is not JSON (${(error as Error).message})`]);
  }
  return parseFramingDocument(raw, source);
}
