import { CRITERIA } from '../criteria.ts';
import { AUDIENCES, OBJECTIVE_CATEGORIES, SOURCING_KINDS, TASK_KINDS } from '../document.ts';
import { ANSWER_OPTIONS, options, type StepSpec } from '../fieldSpec.ts';

/** Steps 1 to 4: the business problem, whether to use ML at all (baseline first), the value and who has a say. */
export const DISCOVERY_STEPS: readonly StepSpec[] = [
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
      'Nine conditions under which machine learning tends to pay off, then the baseline to beat. The first four conditions are essential; the rest make it cheaper, safer or more clearly better than the alternatives. Answer honestly: "not sure" is a useful answer.',
    fields: [
      ...CRITERIA.map((criterion) => ({
        path: `criteria.${criterion.id}`,
        kind: 'criterion' as const,
        criterion: criterion.id,
        label: criterion.label,
        guidance: criterion.guidance,
        example: criterion.example,
      })),
      {
        path: 'baseline.withoutMl',
        kind: 'choice',
        style: 'radio',
        label: 'Could we launch without ML?',
        guidance:
          'Baseline first. Would rules, a heuristic, a vendor API or a pre-trained model meet the goal well enough to launch? If so, launch that, measure it, and bring in ML when it no longer keeps up: it is cheaper, and its data and numbers make the later model better.',
        example: 'No: the keyword rules in production today catch too little, and a vendor filter cannot learn from our users’ reports.',
        options: ANSWER_OPTIONS,
      },
      {
        path: 'baseline.solution',
        kind: 'textarea',
        label: 'The solution without ML',
        guidance: 'The best thing you could ship without training a model: the rule, heuristic, vendor API or pre-trained model, and what it takes to run it.',
        example: 'Public blocklists plus the five keyword rules in production today.',
      },
      {
        path: 'baseline.score',
        kind: 'number',
        unit: '',
        label: 'Its score on the evaluation metric',
        guidance:
          'Measure it on the same test data and metric as the model (step 7). The verdict compares it with the success threshold: when the solution without ML already meets it, ship that.',
        example: '0.81',
      },
      {
        path: 'baseline.sourcing',
        kind: 'choice',
        style: 'radio',
        label: 'Build, buy or reuse',
        guidance: 'Whether to train your own model, pay for a product or API, or reuse a model you or others already have (an in-house model, an open pre-trained one).',
        example: 'Build, reusing an open multilingual text encoder for the message body.',
        options: options(SOURCING_KINDS, { build: 'Build', buy: 'Buy', reuse: 'Reuse' }, {
          build: 'train our own model',
          buy: 'a vendor product or API',
          reuse: 'an existing or pre-trained model',
        }),
      },
      {
        path: 'baseline.sourcingNote',
        kind: 'text',
        label: 'Why that choice',
        guidance: 'What tipped it: cost, control over the data, time to launch, lock-in.',
        example: 'Vendors score 0.90 but cannot learn from our reports and price per message.',
        optional: true,
      },
    ],
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
];
