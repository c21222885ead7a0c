import { z } from 'zod';
import { formatCount } from '../shared/format.ts';

/**
 * The framing document: every answer of the framing wizard, stored as versioned JSON in
 * framings.document (and each revision in framing_revisions). Loading from the store or from a
 * re-imported file always goes through `parseFramingDocument`, so a damaged or hand-edited
 * document is reported field by field instead of breaking the views.
 */

const FRAMING_FORMAT = 'ml-lifecycle.framing';
/** Version 2 added the questions of the ML canvases (baseline first, decisions, label delay, leakage, data rights, fairness, explainability, owners, launch and kill criteria, cost of ownership). */
export const FRAMING_VERSION = 2;

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
export const SOURCING_KINDS = ['build', 'buy', 'reuse'] as const;
export const HUMAN_IN_LOOP = ['none', 'exceptions', 'every-decision'] as const;
export const AVAILABILITY = ['yes', 'delayed', 'no'] as const;
export const PERSONAL_DATA = ['none', 'pseudonymised', 'personal', 'sensitive'] as const;
export const FAIRNESS_METRICS = ['not-applicable', 'demographic-parity', 'equal-opportunity', 'equalized-odds', 'false-positive-rate', 'calibration', 'other'] as const;
export const EXPLAINABILITY_LEVELS = ['none', 'global', 'per-prediction'] as const;
export const OWNER_ROLES = ['model', 'data', 'on-call', 'other'] as const;
export const MONITOR_SIGNALS = ['metric', 'drift'] as const;
export const COMPARISONS = ['below', 'above'] as const;
export const KILL_ACTIONS = ['retrain', 'rollback', 'stop'] as const;

const text = z.string().max(TEXT_MAX, { error: `is longer than ${formatCount(TEXT_MAX)} characters; shorten it` });
const answer = z.enum(ANSWERS).nullable();
const amount = z.number().min(0, { error: 'cannot be negative' }).nullable();
const list = <T extends z.ZodType>(row: T) => z.array(row).max(LIST_MAX);

const criterionSchema = z.strictObject({ answer, note: text });
const qualitySchema = z.strictObject({ required: z.boolean(), note: text });

const problemSchema = z.strictObject({
  name: z.string().trim().min(1, { error: 'is empty; give the project a name' }).max(NAME_MAX),
  businessMetric: text,
  whyNow: text,
  endUser: text,
  taskKind: z.enum(TASK_KINDS).nullable(),
});

const criteriaSchema = z.strictObject(
  Object.fromEntries(CRITERION_IDS.map((id) => [id, criterionSchema])) as Record<CriterionId, typeof criterionSchema>,
);

const valueSchema = z.strictObject({
  targetCustomer: text,
  need: text,
  product: text,
  category: text,
  benefit: text,
  persona: text,
  audience: z.enum(AUDIENCES).nullable(),
  latencyVsAccuracy: text,
});

const stakeholderSchema = z.strictObject({ name: text, objective: text, category: z.enum(OBJECTIVE_CATEGORIES).nullable() });

const dataSourceSchema = z.strictObject({ kind: z.enum(SOURCE_KINDS).nullable(), description: text });

const errorCostSchema = z.strictObject({ error: text, consequence: text });

const gainSchema = z.strictObject({ label: text, kind: z.enum(GAIN_KINDS).nullable(), amount });

const costSchema = z.strictObject({ label: text, kind: z.enum(COST_KINDS).nullable(), amount, recurring: z.boolean() });

const featureAvailabilitySchema = z.strictObject({ feature: text, available: z.enum(AVAILABILITY).nullable(), note: text });

const dataRightsSchema = z.strictObject({ source: text, owner: text, personalData: z.enum(PERSONAL_DATA).nullable(), permission: text, retention: text });

const ownerSchema = z.strictObject({ role: z.enum(OWNER_ROLES).nullable(), owner: text, duties: text });

/** A production value, drift level or cost that ends the project or forces a retrain; monitoring checks it (src/framing/monitors.ts). */
export const killCriterionSchema = z.strictObject({
  criterion: text,
  signal: z.enum(MONITOR_SIGNALS).nullable(),
  /** The production metric key, or for drift the column (empty: the worst column). */
  key: text,
  comparison: z.enum(COMPARISONS).nullable(),
  limit: z.number().nullable(),
  action: z.enum(KILL_ACTIONS).nullable(),
});

export const framingDocumentSchema = z.strictObject({
  format: z.literal(FRAMING_FORMAT),
  version: z.literal(FRAMING_VERSION),
  problem: problemSchema,
  criteria: criteriaSchema,
  /** Baseline first: what launching without ML would look like, and whether to build, buy or reuse. */
  baseline: z.strictObject({
    withoutMl: answer,
    solution: text,
    score: z.number().nullable(),
    sourcing: z.enum(SOURCING_KINDS).nullable(),
    sourcingNote: text,
  }),
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
    labelDelayDays: z.number().min(0, { error: 'cannot be negative' }).nullable(),
    outcomeCost: text,
    rights: list(dataRightsSchema),
  }),
  prediction: z.strictObject({
    learning: z.enum(LEARNING_KINDS).nullable(),
    taskType: z.enum(TASK_TYPES).nullable(),
    inputs: text,
    outputs: text,
    features: text,
    featureAvailability: list(featureAvailabilitySchema),
    domainExperts: text,
    decision: text,
    actor: text,
    humanInLoop: z.enum(HUMAN_IN_LOOP).nullable(),
    humanInLoopNote: text,
  }),
  evaluation: z.strictObject({
    metric: z.string().max(250),
    direction: z.enum(DIRECTIONS).nullable(),
    threshold: z.number().nullable(),
    baseline: text,
    split: z.enum(SPLITS).nullable(),
    splitNote: text,
    errorCosts: z.array(errorCostSchema).max(LIST_MAX),
  }),
  requirements: z.strictObject({
    latencyMs: z.number().min(0, { error: 'cannot be negative' }).nullable(),
    throughputPerSecond: z.number().min(0, { error: 'cannot be negative' }).nullable(),
    ...(Object.fromEntries(QUALITY_IDS.map((id) => [id, qualitySchema])) as Record<QualityId, typeof qualitySchema>),
    explainability: z.enum(EXPLAINABILITY_LEVELS).nullable(),
    fairnessGroups: text,
    fairnessMetric: z.enum(FAIRNESS_METRICS).nullable(),
    fairnessGap: z.number().min(0, { error: 'cannot be negative' }).nullable(),
  }),
  roi: z.strictObject({
    currency: z.string().max(20),
    period: z.enum(PERIODS),
    horizon: z.number().int().min(1).max(1000),
    gains: z.array(gainSchema).max(LIST_MAX),
    costs: z.array(costSchema).max(LIST_MAX),
    /** Total cost of ownership per period, beside the costs list. */
    servingCost: amount,
    monitoringCost: amount,
    retrainingCost: amount,
    peopleCost: amount,
    /** What the next-best use of the same people and money would bring, per period. */
    opportunityCost: amount,
    opportunityNote: text,
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
    owners: list(ownerSchema),
    launchCriteria: text,
    killCriteria: list(killCriterionSchema),
  }),
});

export type FramingDocument = z.infer<typeof framingDocumentSchema>;
export type Criteria = FramingDocument['criteria'];
export type Stakeholder = z.infer<typeof stakeholderSchema>;
export type Gain = z.infer<typeof gainSchema>;
export type Cost = z.infer<typeof costSchema>;
export type KillCriterion = z.infer<typeof killCriterionSchema>;

/** A new, empty framing: nothing answered, the list rows people usually need already there. */
export function emptyFramingDocument(name: string): FramingDocument {
  const quality = () => ({ required: false, note: '' });
  return {
    format: FRAMING_FORMAT,
    version: FRAMING_VERSION,
    problem: { name, businessMetric: '', whyNow: '', endUser: '', taskKind: null },
    criteria: Object.fromEntries(CRITERION_IDS.map((id) => [id, { answer: null, note: '' }])) as Criteria,
    baseline: { withoutMl: null, solution: '', score: null, sourcing: null, sourcingNote: '' },
    value: { targetCustomer: '', need: '', product: '', category: '', benefit: '', persona: '', audience: null, latencyVsAccuracy: '' },
    stakeholders: { entries: [] },
    data: { sources: [], labels: '', storageCost: '', purchaseCost: '', labellingCost: '', drift: null, driftNote: '', labelDelayDays: null, outcomeCost: '', rights: [] },
    prediction: {
      learning: null,
      taskType: null,
      inputs: '',
      outputs: '',
      features: '',
      featureAvailability: [],
      domainExperts: '',
      decision: '',
      actor: '',
      humanInLoop: null,
      humanInLoopNote: '',
    },
    evaluation: {
      metric: '',
      direction: null,
      threshold: null,
      baseline: '',
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
      explainability: null,
      fairnessGroups: '',
      fairnessMetric: null,
      fairnessGap: null,
    },
    roi: {
      currency: 'USD',
      period: 'month',
      horizon: 12,
      gains: [],
      costs: [],
      servingCost: null,
      monitoringCost: null,
      retrainingCost: null,
      peopleCost: null,
      opportunityCost: null,
      opportunityNote: '',
    },
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
      owners: [
        { role: 'model', owner: '', duties: '' },
        { role: 'data', owner: '', duties: '' },
        { role: 'on-call', owner: '', duties: '' },
      ],
      launchCriteria: '',
      killCriteria: [],
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
  const parsed = framingDocumentSchema.safeParse(migrateFramingDocument(raw));
  if (parsed.success) return parsed.data;
  throw new FramingFormatError(
    source,
    parsed.error.issues.map((issue) => `field ${issue.path.join('.') || '(document)'} ${issue.message}`),
  );
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The fields each section gained in version 2, with the values of an unanswered framing. */
const VERSION_2_FIELDS: Record<string, readonly string[]> = {
  baseline: ['withoutMl', 'solution', 'score', 'sourcing', 'sourcingNote'],
  data: ['labelDelayDays', 'outcomeCost', 'rights'],
  prediction: ['featureAvailability', 'decision', 'actor', 'humanInLoop', 'humanInLoopNote'],
  requirements: ['explainability', 'fairnessGroups', 'fairnessMetric', 'fairnessGap'],
  roi: ['servingCost', 'monitoringCost', 'retrainingCost', 'peopleCost', 'opportunityCost', 'opportunityNote'],
  lifecycle: ['owners', 'launchCriteria', 'killCriteria'],
};

/**
 * Brings a document written by an older ML Lifecycle up to the current version: the new questions
 * unanswered, nothing lost. Version 1's non-ML baseline becomes the baseline-first solution.
 * Anything that is not a version 1 document is returned as is, for the schema to judge.
 */
export function migrateFramingDocument(raw: unknown): unknown {
  if (!isRecord(raw) || raw.format !== FRAMING_FORMAT || raw.version !== 1) return raw;
  const fresh = emptyFramingDocument('migrated') as unknown as Record<string, Record<string, unknown>>;
  const next: Record<string, unknown> = { ...raw, version: FRAMING_VERSION };
  for (const [section, fields] of Object.entries(VERSION_2_FIELDS)) {
    const old = raw[section] ?? {};
    if (!isRecord(old)) continue;
    const added = Object.fromEntries(fields.filter((f) => !(f in old)).map((f) => [f, structuredClone(fresh[section]![f])]));
    next[section] = { ...old, ...added };
  }
  const evaluation = next.evaluation;
  if (isRecord(evaluation) && 'nonMlBaseline' in evaluation) {
    const { nonMlBaseline, ...rest } = evaluation;
    next.evaluation = rest;
    (next.baseline as Record<string, unknown>).solution = nonMlBaseline;
  }
  return next;
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
