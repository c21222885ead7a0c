import { CRITERIA } from './criteria.ts';
import {
  AUDIENCES,
  COST_KINDS,
  DIRECTIONS,
  GAIN_KINDS,
  LEARNING_KINDS,
  OBJECTIVE_CATEGORIES,
  PERIODS,
  SERVING_KINDS,
  SOURCE_KINDS,
  SPLITS,
  TASK_KINDS,
  TASK_TYPES,
  type CriterionId,
} from './document.ts';

/**
 * The wizard's steps and every question in them, with guidance and an example each. One
 * catalogue drives the wizard's form, the checklist's completion counts, the review of what is
 * missing and the Markdown labels, so they never disagree. Paths are dotted paths into the
 * FramingDocument ("evaluation.threshold", "roi.costs.2.amount").
 */

export const STEP_IDS = ['problem', 'criteria', 'value', 'stakeholders', 'data', 'prediction', 'evaluation', 'requirements', 'roi', 'lifecycle', 'review'] as const;
export type StepId = (typeof STEP_IDS)[number];

export interface ChoiceOption {
  value: string;
  label: string;
  description?: string;
}

interface FieldBase {
  path: string;
  label: string;
  guidance: string;
  example: string;
  /** Left out of completion counts: a note that only some projects need. */
  optional?: boolean;
}

export type ColumnSpec =
  | { key: string; label: string; kind: 'text'; placeholder: string }
  | { key: string; label: string; kind: 'choice'; options: readonly ChoiceOption[] }
  | { key: string; label: string; kind: 'money' }
  | { key: string; label: string; kind: 'flag' };

export type FieldSpec =
  | (FieldBase & { kind: 'text' | 'textarea'; placeholder?: string })
  | (FieldBase & { kind: 'choice'; options: readonly ChoiceOption[]; style: 'radio' | 'select' })
  | (FieldBase & { kind: 'number'; unit: string; integer?: boolean; min?: number })
  | (FieldBase & { kind: 'quality' })
  | (FieldBase & { kind: 'flags'; flags: readonly { path: string; label: string }[] })
  | (FieldBase & { kind: 'criterion'; criterion: CriterionId })
  | (FieldBase & { kind: 'list'; columns: readonly ColumnSpec[]; addLabel: string; blankRow: Readonly<Record<string, string | boolean | null>> });

export interface StepSpec {
  id: StepId;
  number: number;
  title: string;
  intro: string;
  fields: readonly FieldSpec[];
}

const options = (values: readonly string[], labels: Record<string, string>, descriptions: Record<string, string> = {}): ChoiceOption[] =>
  values.map((value) => ({ value, label: labels[value] ?? value, ...(descriptions[value] ? { description: descriptions[value] } : {}) }));

export const STEPS: readonly StepSpec[] = [
  {
    id: 'problem',
    number: 1,
    title: 'Business problem',
    intro: 'Start from the business, not the model. A project tied to a metric the business already watches is easier to justify, to evaluate and to keep alive.',
    fields: [
      {
        path: 'problem.name',
        kind: 'text',
        label: 'Project name',
        guidance: 'A short name the team will recognise in the checklist, in exports and when linking experiments.',
        example: 'Email spam detection',
      },
      {
        path: 'problem.businessMetric',
        kind: 'textarea',
        label: 'Business metric moved',
        guidance: 'Which number that the business already tracks should change if this works, and in which direction?',
        example: 'Share of support tickets about spam reaching the inbox, down from 4% to under 1%.',
      },
      {
        path: 'problem.whyNow',
        kind: 'textarea',
        label: 'Why now',
        guidance: 'What changed that makes this worth doing this quarter rather than later (or never)?',
        example: 'Spam volume doubled since spring and the hand-written rules need patching every week.',
      },
      {
        path: 'problem.endUser',
        kind: 'text',
        label: 'End user',
        guidance: 'Who sees or acts on the predictions day to day?',
        example: 'Mailbox users; the trust & safety team handling appeals.',
      },
      {
        path: 'problem.taskKind',
        kind: 'choice',
        style: 'radio',
        label: 'Predictive or generative',
        guidance: 'Predictive systems choose or estimate (a class, a number, a ranking); generative ones create new content such as text or images.',
        example: 'Flagging spam is predictive; drafting replies to customers is generative.',
        options: options(TASK_KINDS, { predictive: 'Predictive', generative: 'Generative' }, {
          predictive: 'classify, score, rank or forecast',
          generative: 'write, draw or compose new content',
        }),
      },
    ],
  },
  {
    id: 'criteria',
    number: 2,
    title: 'Should we use ML?',
    intro:
      'Nine conditions under which machine learning tends to pay off. The first four are essential; the rest make it cheaper, safer or more clearly better than the alternatives. Answer honestly: "not sure" is a useful answer.',
    fields: CRITERIA.map((criterion) => ({
      path: `criteria.${criterion.id}`,
      kind: 'criterion' as const,
      criterion: criterion.id,
      label: criterion.label,
      guidance: criterion.guidance,
      example: criterion.example,
    })),
  },
  {
    id: 'value',
    number: 3,
    title: 'Value proposition',
    intro:
      'Say in one sentence who gets what from this, then who that person is. Fill the parts one by one: the sentence below assembles itself. Make sure the benefit is the part that matters most.',
    fields: [
      { path: 'value.targetCustomer', kind: 'text', label: 'Target customer', guidance: 'Who is it for?', example: 'people who use our hosted email' },
      { path: 'value.need', kind: 'text', label: 'Need', guidance: 'What do they need or struggle with?', example: 'want to read their real mail without wading through junk and scams' },
      { path: 'value.product', kind: 'text', label: 'Product', guidance: 'What are you building?', example: 'inbox filter' },
      { path: 'value.category', kind: 'text', label: 'Category', guidance: 'What kind of thing is it?', example: 'machine-learned spam classifier' },
      {
        path: 'value.benefit',
        kind: 'text',
        label: 'Benefit',
        guidance: 'The main benefit, in the customer’s terms. This is the part of the sentence that has to carry the case.',
        example: 'moves unwanted mail out of the inbox within a second and learns new spam tricks from user reports',
      },
      {
        path: 'value.persona',
        kind: 'textarea',
        label: 'End-user persona',
        guidance: 'Describe one typical user: their role, what they know, what they do with a prediction and what annoys them.',
        example: 'Maria, 54, runs a bakery and reads orders by email on her phone; she never opens the spam folder, so a lost order costs her a sale.',
      },
      {
        path: 'value.audience',
        kind: 'choice',
        style: 'radio',
        label: 'Consumer-facing or enterprise',
        guidance:
          'Consumer products live or die by responsiveness: people leave slow pages, and a few points of accuracy go unnoticed. In enterprise use, a small accuracy gain on a costly process can be worth a lot, and a slower batch job is often fine.',
        example: 'A spam filter is consumer-facing; a warehouse demand forecast is enterprise.',
        options: options(AUDIENCES, { consumer: 'Consumer-facing', enterprise: 'Enterprise' }, {
          consumer: 'speed first, accuracy good enough',
          enterprise: 'accuracy is money, speed is negotiable',
        }),
      },
      {
        path: 'value.latencyVsAccuracy',
        kind: 'textarea',
        label: 'What that means for latency vs accuracy',
        guidance: 'Given the audience, which do you trade for which, and where is the limit?',
        example: 'Filtering must add less than 50 ms to delivery; we accept catching slightly less spam to stay that fast.',
      },
    ],
  },
  {
    id: 'stakeholders',
    number: 4,
    title: 'Stakeholders',
    intro:
      'Everyone with a say wants something slightly different. Name each stakeholder, what they want and the kind of objective it is: conflicting kinds are flagged so they are settled before the work starts, not after.',
    fields: [
      {
        path: 'stakeholders.entries',
        kind: 'list',
        label: 'Stakeholders',
        guidance: 'One row per person or team, with the objective they will judge the system by.',
        example: 'Food-delivery recommender: engineers want the best model, sales wants restaurants paying more commission shown first, product wants fast results because every extra 100 ms loses orders.',
        addLabel: 'Add stakeholder',
        blankRow: { name: '', objective: '', category: null },
        columns: [
          { key: 'name', label: 'Stakeholder', kind: 'text', placeholder: 'Sales team' },
          { key: 'objective', label: 'Objective', kind: 'text', placeholder: 'More orders from partner restaurants' },
          {
            key: 'category',
            label: 'Kind of objective',
            kind: 'choice',
            options: options(OBJECTIVE_CATEGORIES, {
              'model-quality': 'Model quality',
              latency: 'Latency',
              revenue: 'Revenue or commission',
              cost: 'Cost',
              'user-experience': 'User experience',
              fairness: 'Fairness',
              interpretability: 'Interpretability',
              compliance: 'Compliance',
              other: 'Other',
            }),
          },
        ],
      },
    ],
  },
  {
    id: 'data',
    number: 5,
    title: 'Data',
    intro: 'Where the data comes from, how you get the right answers (labels) for it, what it really costs, and whether it will still look the same in production.',
    fields: [
      {
        path: 'data.sources',
        kind: 'list',
        label: 'Sources',
        guidance: 'Internal databases, APIs, open datasets, data you would buy. One row each.',
        example: 'Internal database: three years of point-of-sale records per store and day.',
        addLabel: 'Add source',
        blankRow: { kind: null, description: '' },
        columns: [
          {
            key: 'kind',
            label: 'Kind',
            kind: 'choice',
            options: options(SOURCE_KINDS, { 'internal-database': 'Internal database', api: 'API', 'open-dataset': 'Open dataset', purchased: 'Purchased', other: 'Other' }),
          },
          { key: 'description', label: 'What it holds', kind: 'text', placeholder: 'Sales per product, store and day since 2021' },
        ],
      },
      {
        path: 'data.labels',
        kind: 'textarea',
        label: 'How labels are obtained',
        guidance: 'Where the correct answer for each example comes from, how long it takes to arrive and how trustworthy it is.',
        example: 'Users’ "report spam" and "not spam" clicks, plus a weekly sample checked by the review team.',
      },
      {
        path: 'data.storageCost',
        kind: 'text',
        label: 'Hidden cost: storage',
        guidance: 'Keeping raw data, features and snapshots for retraining and audits is not free.',
        example: 'About 2 TB a year of message features, kept 18 months.',
      },
      {
        path: 'data.purchaseCost',
        kind: 'text',
        label: 'Hidden cost: purchase',
        guidance: 'Licences for external data or APIs, and how they grow with use.',
        example: 'Sender-reputation feed, yearly licence.',
      },
      {
        path: 'data.labellingCost',
        kind: 'text',
        label: 'Hidden cost: labelling',
        guidance: 'People’s time to create or check labels, including the experts who have to be involved.',
        example: 'Two reviewers, half a day a week.',
      },
      {
        path: 'data.drift',
        kind: 'choice',
        style: 'radio',
        label: 'Expected drift from training data',
        guidance: 'Think of seasons, new products or markets, changes upstream and people adapting to the model itself.',
        example: 'Yes: spammers change their wording as soon as a filter starts catching it.',
        options: options(['yes', 'no', 'not-sure'], { yes: 'Yes', no: 'No', 'not-sure': 'Not sure' }),
      },
      {
        path: 'data.driftNote',
        kind: 'textarea',
        label: 'Drift notes',
        guidance: 'What will drift, and how you would notice.',
        example: 'New campaigns show up as unseen sender domains; track their share weekly.',
        optional: true,
      },
    ],
  },
  {
    id: 'prediction',
    number: 6,
    title: 'Prediction task',
    intro: 'Pin down exactly what the model takes in and what it gives back. Features are best derived together with the people who know the domain.',
    fields: [
      {
        path: 'prediction.learning',
        kind: 'choice',
        style: 'radio',
        label: 'Supervised or unsupervised',
        guidance: 'Supervised learning needs labelled examples; unsupervised finds structure (groups, outliers) without them.',
        example: 'Spam filtering with user reports is supervised; grouping customers by behaviour is unsupervised.',
        options: options(LEARNING_KINDS, { supervised: 'Supervised', unsupervised: 'Unsupervised' }),
      },
      {
        path: 'prediction.taskType',
        kind: 'choice',
        style: 'select',
        label: 'Task type',
        guidance: 'The shape of the answer: a class, a number, an order, an outlier flag or a future value.',
        example: 'Spam or not is classification; next month’s sales is forecasting.',
        options: options(TASK_TYPES, {
          classification: 'Classification',
          regression: 'Regression',
          ranking: 'Ranking',
          'anomaly-detection': 'Anomaly detection',
          forecasting: 'Forecasting',
          other: 'Other',
        }),
      },
      { path: 'prediction.inputs', kind: 'textarea', label: 'Inputs', guidance: 'What the model receives at prediction time, and only that.', example: 'Headers, body text, links and the sender’s history.' },
      { path: 'prediction.outputs', kind: 'textarea', label: 'Outputs', guidance: 'What it returns and what is done with it.', example: 'A spam probability; above 0.9 the message goes to the spam folder.' },
      {
        path: 'prediction.features',
        kind: 'textarea',
        label: 'Features to derive',
        guidance: 'Signals to compute from the raw data. Ask the domain experts what they look at when they decide by hand.',
        example: 'Age of the linked domains, ratio of images to text, how often the sender was reported.',
      },
      {
        path: 'prediction.domainExperts',
        kind: 'text',
        label: 'Domain experts involved',
        guidance: 'Who will you work with on features and on checking results? In healthcare, for example, a practising clinician.',
        example: 'Two trust & safety analysts.',
      },
    ],
  },
  {
    id: 'evaluation',
    number: 7,
    title: 'Offline evaluation',
    intro:
      'Decide before training how a model will be judged and what "good enough to ship" means. Linked experiments take this metric, direction and threshold as their primary metric and target.',
    fields: [
      {
        path: 'evaluation.metric',
        kind: 'text',
        label: 'Metric (as logged)',
        guidance: 'Use the exact key your training code logs, so linked experiments can mark the runs that meet the target.',
        example: 'val_f1',
      },
      {
        path: 'evaluation.direction',
        kind: 'choice',
        style: 'radio',
        label: 'Direction',
        guidance: 'Whether a bigger value of the metric is better.',
        example: 'F1 and accuracy: higher is better. RMSE and loss: lower is better.',
        options: options(DIRECTIONS, { max: 'Higher is better', min: 'Lower is better' }),
      },
      {
        path: 'evaluation.threshold',
        kind: 'number',
        unit: '',
        label: 'Success threshold',
        guidance: 'The value a model must reach to be worth shipping. Fractions for accuracy-like metrics (0.9, not 90).',
        example: '0.95',
      },
      {
        path: 'evaluation.baseline',
        kind: 'textarea',
        label: 'Baseline',
        guidance: 'What you compare against, with its score on the same test data: the current system or the simplest model.',
        example: 'Current rules: F1 0.81 on last month’s reported mail.',
      },
      {
        path: 'evaluation.nonMlBaseline',
        kind: 'textarea',
        label: 'Non-ML baseline',
        guidance: 'The best you could do without ML: a rule, a heuristic, last year’s value. If ML does not beat it clearly, ship the rule.',
        example: 'Block senders on a public blocklist plus five keyword rules.',
      },
      {
        path: 'evaluation.split',
        kind: 'choice',
        style: 'select',
        label: 'Data split',
        guidance: 'How test data is held out. When the future differs from the past, split by time so the test looks like production.',
        example: 'Time-based: train on older months, test on the latest one.',
        options: options(SPLITS, { random: 'Random', 'time-based': 'Time-based', grouped: 'Grouped (by customer, store…)', other: 'Other' }),
      },
      { path: 'evaluation.splitNote', kind: 'text', label: 'Split details', guidance: 'Sizes, periods or groups.', example: 'Train Jan–Sep, validate Oct, test Nov.', optional: true },
      {
        path: 'evaluation.errorCosts',
        kind: 'list',
        label: 'Cost of each kind of wrong prediction',
        guidance: 'Mistakes are rarely equal. Say what each kind costs, so the threshold and the metric can favour the cheaper one.',
        example: 'Overstock: unsold goods are marked down or written off. Understock: missed sales and customers who go elsewhere.',
        addLabel: 'Add kind of error',
        blankRow: { error: '', consequence: '' },
        columns: [
          { key: 'error', label: 'Wrong prediction', kind: 'text', placeholder: 'False positive' },
          { key: 'consequence', label: 'What it costs', kind: 'text', placeholder: 'A real email hidden in the spam folder' },
        ],
      },
    ],
  },
  {
    id: 'requirements',
    number: 8,
    title: 'Requirements',
    intro: 'The qualities the system needs beyond accuracy. Tick what is a hard requirement and note what it means here.',
    fields: [
      {
        path: 'requirements.latencyMs',
        kind: 'number',
        unit: 'ms',
        min: 0,
        label: 'Latency budget',
        guidance: 'The longest a single prediction may take, end to end. Slow pages lose visitors: budget in milliseconds.',
        example: '50',
      },
      {
        path: 'requirements.throughputPerSecond',
        kind: 'number',
        unit: 'predictions/s',
        min: 0,
        label: 'Throughput',
        guidance: 'How many predictions per second at peak. Latency is about one request; throughput about all of them together.',
        example: '2000',
      },
      {
        path: 'requirements.interpretability',
        kind: 'quality',
        label: 'Interpretability',
        guidance: 'Must people be able to see why a prediction was made?',
        example: 'Required: a rejected loan applicant is owed the main reasons.',
      },
      {
        path: 'requirements.fairness',
        kind: 'quality',
        label: 'Fairness',
        guidance: 'Could the model treat groups of people differently? A model that learns from the public can pick up its worst habits.',
        example: 'Do not flag mail in minority languages as spam more often.',
      },
      {
        path: 'requirements.reliability',
        kind: 'quality',
        label: 'Reliability',
        guidance: 'What happens when inputs are odd or a dependency is down? The system should fail safely, not silently.',
        example: 'If the model is unavailable, deliver mail to the inbox rather than drop it.',
      },
      {
        path: 'requirements.scalability',
        kind: 'quality',
        label: 'Scalability',
        guidance: 'Growth in traffic, data and number of models; automate the pipeline and keep every artefact.',
        example: 'Ten times the mail volume within two years.',
      },
      {
        path: 'requirements.maintainability',
        kind: 'quality',
        label: 'Maintainability',
        guidance: 'Can other people understand, rerun and change it? Shared code, data and environments.',
        example: 'Training reproducible from a commit and a data snapshot.',
      },
      {
        path: 'requirements.adaptability',
        kind: 'quality',
        label: 'Adaptability',
        guidance: 'How quickly can it follow changing inputs and needs?',
        example: 'Retrain and ship within a day when a new spam wave appears.',
      },
    ],
  },
  {
    id: 'roi',
    number: 9,
    title: 'Return on investment',
    intro:
      'Compare what the system brings in (more revenue, less waste) with what it costs to build and run. ROI = (gain − cost) / cost over the horizon; payback is how long until the one-off costs are recovered.',
    fields: [
      { path: 'roi.currency', kind: 'text', label: 'Currency', guidance: 'Used in the summary only.', example: 'EUR', optional: true },
      {
        path: 'roi.period',
        kind: 'choice',
        style: 'radio',
        label: 'Amounts are per',
        guidance: 'Recurring gains and costs are entered per this period.',
        example: 'month',
        options: options(PERIODS, { month: 'Month', quarter: 'Quarter', year: 'Year' }),
        optional: true,
      },
      { path: 'roi.horizon', kind: 'number', unit: 'periods', integer: true, min: 1, label: 'Horizon', guidance: 'How many periods the ROI is computed over.', example: '12', optional: true },
      {
        path: 'roi.gains',
        kind: 'list',
        label: 'Expected gains per period',
        guidance: 'More revenue and less waste thanks to better predictions. Estimate conservatively.',
        example: 'More sales from fewer empty shelves: 40,000 a month.',
        addLabel: 'Add gain',
        blankRow: { label: '', kind: null, amount: null },
        columns: [
          { key: 'label', label: 'Gain', kind: 'text', placeholder: 'Fewer written-off goods' },
          { key: 'kind', label: 'Kind', kind: 'choice', options: options(GAIN_KINDS, { revenue: 'More revenue', savings: 'Less waste or cost', other: 'Other' }) },
          { key: 'amount', label: 'Amount per period', kind: 'money' },
        ],
      },
      {
        path: 'roi.costs',
        kind: 'list',
        label: 'Costs',
        guidance: 'Building (people, time), data (purchase, labelling, storage), infrastructure (training and serving) and upkeep (monitoring, retraining). Tick "recurring" for per-period costs.',
        example: 'Build: 150,000 once. Upkeep: 8,000 per month, recurring.',
        addLabel: 'Add cost',
        blankRow: { label: '', kind: null, amount: null, recurring: false },
        columns: [
          { key: 'label', label: 'Cost', kind: 'text', placeholder: 'Two engineers for three months' },
          { key: 'kind', label: 'Kind', kind: 'choice', options: options(COST_KINDS, { build: 'Build', data: 'Data', infrastructure: 'Infrastructure', upkeep: 'Upkeep', other: 'Other' }) },
          { key: 'amount', label: 'Amount', kind: 'money' },
          { key: 'recurring', label: 'Recurring', kind: 'flag' },
        ],
      },
    ],
  },
  {
    id: 'lifecycle',
    number: 10,
    title: 'Life cycle plan',
    intro: 'A model is not done when it ships. Plan how it is served, watched, retrained and governed while it is live.',
    fields: [
      {
        path: 'lifecycle.serving',
        kind: 'choice',
        style: 'radio',
        label: 'Serving',
        guidance: 'How predictions reach their users.',
        example: 'Batch: a nightly job writes next week’s forecasts to the ordering tool.',
        options: options(SERVING_KINDS, { batch: 'Batch', online: 'Online (request/response)', streaming: 'Streaming', edge: 'On device' }),
      },
      { path: 'lifecycle.servingNote', kind: 'text', label: 'Serving details', guidance: 'Where it runs and who calls it.', example: 'Behind the mail gateway, 3 replicas.', optional: true },
      {
        path: 'lifecycle.monitoring',
        kind: 'flags',
        label: 'Monitoring',
        guidance: 'What is watched in production. Accuracy can only be measured once true outcomes arrive; drift in the inputs shows up earlier.',
        example: 'Weekly F1 on reviewed mail, p95 latency, share of unseen sender domains.',
        flags: [
          { path: 'lifecycle.monitorPerformance', label: 'Model performance' },
          { path: 'lifecycle.monitorLatency', label: 'Latency' },
          { path: 'lifecycle.monitorDrift', label: 'Data drift' },
        ],
      },
      { path: 'lifecycle.monitoringNote', kind: 'textarea', label: 'Monitoring details', guidance: 'Thresholds and who gets alerted.', example: 'Alert the on-call engineer when weekly F1 drops below 0.9.', optional: true },
      {
        path: 'lifecycle.retraining',
        kind: 'flags',
        label: 'Retraining triggers',
        guidance: 'What makes you collect new data and retrain, or even reframe the problem.',
        example: 'A new fraud pattern appears; the business switches from volume to margin.',
        flags: [
          { path: 'lifecycle.retrainOnDecay', label: 'Performance decays' },
          { path: 'lifecycle.retrainOnNewPattern', label: 'A new pattern appears (new fraud or spam tactic)' },
          { path: 'lifecycle.retrainOnChangedAssumptions', label: 'An assumption made at training time no longer holds' },
          { path: 'lifecycle.retrainOnChangedObjective', label: 'The business objective changes' },
        ],
      },
      { path: 'lifecycle.retrainingNote', kind: 'textarea', label: 'Retraining details', guidance: 'How often, on which data, who approves.', example: 'Weekly on the last 90 days; a reviewer approves the promotion.', optional: true },
      {
        path: 'lifecycle.governance',
        kind: 'textarea',
        label: 'Audit & governance',
        guidance: 'How you keep track of who trained, approved and shipped which model on which data, and who may change it.',
        example: 'Every version registered with its data window and approver; the audit trail is kept for two years.',
      },
    ],
  },
  {
    id: 'review',
    number: 11,
    title: 'Review',
    intro: 'Every answer on one page, what is still missing, and the verdict. Export it as Markdown to discuss it in a pull request.',
    fields: [],
  },
];

export const STEPS_BY_ID: ReadonlyMap<StepId, StepSpec> = new Map(STEPS.map((s) => [s.id, s]));

/** Every field by path, including the parts of composite fields (criterion answer/note, quality required/note, flags). */
export const FIELDS_BY_PATH: ReadonlyMap<string, { step: StepSpec; field: FieldSpec }> = new Map(
  STEPS.flatMap((step) => step.fields.map((field) => [field.path, { step, field }] as const)),
);
