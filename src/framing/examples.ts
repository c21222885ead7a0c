import { CRITERION_IDS, type Answer, type CriterionId, type FramingDocument, emptyFramingDocument } from './document.ts';

/** The worked examples the wizard can prefill, to show what a complete framing looks like. */
export const EXAMPLE_IDS = ['spam', 'sales'] as const;
export type ExampleId = (typeof EXAMPLE_IDS)[number];

export const EXAMPLE_TITLES: Record<ExampleId, string> = { spam: 'Email spam detection', sales: 'Sales forecasting' };

type CriteriaAnswers = Record<CriterionId, [Answer, string]>;

function criteria(answers: CriteriaAnswers): FramingDocument['criteria'] {
  return Object.fromEntries(CRITERION_IDS.map((id) => [id, { answer: answers[id][0], note: answers[id][1] }])) as FramingDocument['criteria'];
}

function spam(): FramingDocument {
  const base = emptyFramingDocument(EXAMPLE_TITLES.spam);
  return {
    ...base,
    problem: {
      name: EXAMPLE_TITLES.spam,
      businessMetric: 'Share of delivered mail that users report as spam (from 4% to under 1%), without raising the number of tickets about legitimate mail gone missing.',
      whyNow: 'Spam volume doubled since spring. The keyword and blocklist rules are patched every week and still fall behind each new campaign.',
      endUser: 'Mailbox users of the hosted email service, and the trust & safety team that handles "this is not spam" appeals.',
      taskKind: 'predictive',
    },
    criteria: criteria({
      learnable: ['yes', 'Every message comes with a label once users click "report spam" or "not spam".'],
      complexPatterns: ['yes', 'Wording, links, senders and timing interact; no short list of rules separates spam from mail.'],
      dataAvailable: ['yes', 'Millions of user reports a month; public spam corpora help before the first model.'],
      predictive: ['yes', 'One cheap score per incoming message, billions of times; an occasional miss is tolerable.'],
      similarData: ['not-sure', 'Senders adapt to whatever the filter catches, so next month’s spam will not look like this month’s.'],
      repetitive: ['yes', 'The same decision for every message that arrives.'],
      cheapErrors: ['yes', 'A wrongly filtered message still sits in the spam folder and can be recovered; spam in the inbox is an annoyance.'],
      atScale: ['yes', 'Every message of every user passes through it.'],
      changingPatterns: ['yes', 'Attackers change tactics weekly; hand-written rules cannot keep up, a retrained model can.'],
    }),
    value: {
      targetCustomer: 'people who use our hosted email',
      need: 'want to read their real mail without wading through junk and scams',
      product: 'inbox filter',
      category: 'machine-learned spam classifier',
      benefit: 'moves unwanted mail out of the inbox within a second of arrival and learns new spam tricks from user reports',
      persona: 'Maria, 54, runs a small bakery and takes orders by email on her phone. She never looks in the spam folder, so a real order filtered away is a lost sale; a scam in the inbox is a risk to her savings.',
      audience: 'consumer',
      latencyVsAccuracy: 'Consumer-facing: filtering must add less than 50 ms to delivery. We accept catching slightly less spam to stay that fast, and keep borderline mail in the inbox rather than hide it.',
    },
    stakeholders: {
      entries: [
        { name: 'Trust & safety team', objective: 'Catch as much spam and phishing as possible', category: 'model-quality' },
        { name: 'Mail infrastructure team', objective: 'Keep filtering under 50 ms per message at peak', category: 'latency' },
        { name: 'Product manager', objective: 'Never lose a legitimate message: fewer false positives', category: 'user-experience' },
        { name: 'Finance', objective: 'Keep serving costs flat while volume grows', category: 'cost' },
      ],
    },
    data: {
      sources: [
        { kind: 'internal-database', description: 'Messages with users’ "report spam" / "not spam" clicks, last 12 months' },
        { kind: 'open-dataset', description: 'Public spam corpora, for the first model before our own labels are cleaned' },
        { kind: 'api', description: 'Sender-reputation and blocklist lookups' },
      ],
      labels: 'User reports, which are noisy (some people report newsletters they subscribed to); a weekly sample of disagreements is checked by two reviewers.',
      storageCost: 'About 2 TB a year of hashed message features, kept 18 months for retraining and audits.',
      purchaseCost: 'Sender-reputation feed: yearly licence, priced by lookup volume.',
      labellingCost: 'Two reviewers, half a day each per week.',
      drift: 'yes',
      driftNote: 'New campaigns use new domains and wording; watch the share of mail from senders never seen in training.',
    },
    prediction: {
      learning: 'supervised',
      taskType: 'classification',
      inputs: 'Headers, body text, links and attachments metadata, and the sender’s history with us.',
      outputs: 'A spam probability per message. Above 0.9 the message goes to the spam folder; nothing is deleted.',
      features: 'Age of linked domains, ratio of images to text, share of recipients who reported the sender before, mismatch between display name and address. Derived with the trust & safety analysts.',
      domainExperts: 'Two trust & safety analysts who handle abuse reports today.',
    },
    evaluation: {
      metric: 'val_f1',
      direction: 'max',
      threshold: 0.95,
      baseline: 'Current rules: F1 0.81 on last month’s reported mail.',
      nonMlBaseline: 'Public blocklists plus the five keyword rules in production today.',
      split: 'time-based',
      splitNote: 'Train on the oldest 10 months, validate on the next one, test on the most recent month.',
      errorCosts: [
        { error: 'False positive (real mail marked spam)', consequence: 'A user misses an invoice or an order; a support ticket; lost trust in the filter.' },
        { error: 'False negative (spam reaches the inbox)', consequence: 'Annoyance, and a phishing risk when the message is a scam.' },
      ],
    },
    requirements: {
      latencyMs: 50,
      throughputPerSecond: 2000,
      interpretability: { required: false, note: 'Nice to have: show the main reason when a user appeals.' },
      fairness: { required: true, note: 'Do not flag mail written in minority languages more often than mail in the main languages.' },
      reliability: { required: true, note: 'Fail open: if the model is unavailable, deliver to the inbox.' },
      scalability: { required: true, note: 'Ten times today’s volume within two years.' },
      maintainability: { required: true, note: 'Retraining reproducible from a commit and a data snapshot.' },
      adaptability: { required: true, note: 'Retrain and ship within a day when a new campaign appears.' },
    },
    roi: {
      currency: 'USD',
      period: 'month',
      horizon: 12,
      gains: [
        { label: 'Fewer support tickets about spam and lost mail', kind: 'savings', amount: 18_000 },
        { label: 'Fewer users leaving for another provider', kind: 'revenue', amount: 30_000 },
      ],
      costs: [
        { label: 'Build: two engineers for four months', kind: 'build', amount: 120_000, recurring: false },
        { label: 'Review team and reputation feed', kind: 'data', amount: 6_000, recurring: true },
        { label: 'Training and serving', kind: 'infrastructure', amount: 4_000, recurring: true },
        { label: 'Monitoring and retraining', kind: 'upkeep', amount: 5_000, recurring: true },
      ],
    },
    lifecycle: {
      serving: 'online',
      servingNote: 'In the mail delivery path, behind the gateway; three replicas.',
      monitorPerformance: true,
      monitorLatency: true,
      monitorDrift: true,
      monitoringNote: 'Weekly F1 on reviewed mail; p95 latency per replica; share of unseen sender domains. Alert the on-call engineer below F1 0.9.',
      retrainOnDecay: true,
      retrainOnNewPattern: true,
      retrainOnChangedAssumptions: true,
      retrainOnChangedObjective: true,
      retrainingNote: 'Weekly on the last 90 days of reports, and at once after a new campaign; a reviewer approves each promotion.',
      governance: 'Every model version is registered with its training data window and approver; the audit trail is kept two years.',
    },
  };
}

function sales(): FramingDocument {
  const base = emptyFramingDocument(EXAMPLE_TITLES.sales);
  return {
    ...base,
    problem: {
      name: EXAMPLE_TITLES.sales,
      businessMetric: 'Stock written off per quarter and out-of-stock days per store, together with the sales lost to empty shelves.',
      whyNow: 'Spreadsheet forecasts missed the holiday peak: shelves were empty in December and unsold stock was marked down in January.',
      endUser: 'Replenishment planners and the purchasing team.',
      taskKind: 'predictive',
    },
    criteria: criteria({
      learnable: ['yes', 'Three years of sales per product, store and day, with the prices and promotions at the time.'],
      complexPatterns: ['yes', 'Seasons, promotions, weather and local events interact; last year’s number plus a margin misses them.'],
      dataAvailable: ['yes', 'Point-of-sale history in house; market-trend reports can be bought.'],
      predictive: ['yes', 'A demand estimate per product and store every week: many cheap guesses, each allowed to be a little off.'],
      similarData: ['not-sure', 'New products, new stores and shifting market trends make next season differ from the history.'],
      repetitive: ['yes', 'The same ordering decision every week for every product and store.'],
      cheapErrors: ['not-sure', 'Each error has a price: overstock means waste and write-offs, understock means missed sales and unhappy customers.'],
      atScale: ['yes', '20,000 products in 300 stores, every week.'],
      changingPatterns: ['yes', 'Market trends and customer habits move; rules written once go stale.'],
    }),
    value: {
      targetCustomer: 'replenishment planners',
      need: 'have to order the right quantity of every product for every store each week',
      product: 'demand forecast',
      category: 'forecasting service inside the ordering tool',
      benefit: 'cuts both empty shelves and unsold stock',
      persona: 'Tom plans orders for 40 stores. He knows his stores well but cannot follow 20,000 products; today he copies last year’s numbers and adjusts the ones he has time for.',
      audience: 'enterprise',
      latencyVsAccuracy: 'Enterprise batch use: a nightly run is fine, and every point of accuracy is money in stock and sales, so accuracy wins over speed.',
    },
    stakeholders: {
      entries: [
        { name: 'Purchasing', objective: 'Hold less stock and write off less', category: 'cost' },
        { name: 'Store managers', objective: 'Never run out of best-sellers', category: 'revenue' },
        { name: 'Data science team', objective: 'The lowest forecast error', category: 'model-quality' },
        { name: 'Planners', objective: 'Forecasts they can understand and override', category: 'interpretability' },
      ],
    },
    data: {
      sources: [
        { kind: 'internal-database', description: 'Point-of-sale records per product, store and day since 2022; stock levels; promotion calendar' },
        { kind: 'purchased', description: 'Market-trend reports per category, quarterly' },
        { kind: 'api', description: 'Weather forecasts per store location' },
        { kind: 'open-dataset', description: 'Public holidays and school vacations per region' },
      ],
      labels: 'The label is what actually sold, known a week later at no cost. Days when a product was out of stock understate true demand and are corrected or left out.',
      storageCost: 'Daily history for 20,000 products × 300 stores: a few hundred GB, kept 5 years.',
      purchaseCost: 'Market-trend reports: yearly licence.',
      labellingCost: 'No manual labelling; a week of an analyst’s time to clean stock-out periods.',
      drift: 'yes',
      driftNote: 'Promotions, new products and store openings change demand; compare the forecast error per category every week.',
    },
    prediction: {
      learning: 'supervised',
      taskType: 'forecasting',
      inputs: 'Past sales, prices, planned promotions, calendar, holidays and weather per store.',
      outputs: 'Units expected to sell per product and store for each of the next four weeks.',
      features: 'Promotion calendar, product life-cycle stage, cannibalisation between similar products, distance to the next holiday. Derived with the category managers.',
      domainExperts: 'Two category managers and a senior planner.',
    },
    evaluation: {
      metric: 'val_mape',
      direction: 'min',
      threshold: 0.15,
      baseline: 'Planners’ spreadsheet: MAPE 0.28 on last year’s held-out quarter.',
      nonMlBaseline: 'Seasonal naive: the same week last year, scaled by this year’s trend.',
      split: 'time-based',
      splitNote: 'Train on two years, validate on the next quarter, test on the latest quarter.',
      errorCosts: [
        { error: 'Overstock (forecast too high)', consequence: 'Wasted resources: unsold goods are marked down or written off, and shelf space is tied up.' },
        { error: 'Understock (forecast too low)', consequence: 'Missed opportunities: empty shelves, lost sales and customers who shop elsewhere.' },
      ],
    },
    requirements: {
      latencyMs: 2000,
      throughputPerSecond: 50,
      interpretability: { required: true, note: 'Planners see the main drivers of each forecast before they accept or override it.' },
      fairness: { required: false, note: 'No decisions about people.' },
      reliability: { required: true, note: 'If the nightly run fails, fall back to last week’s forecast and warn the planners.' },
      scalability: { required: true, note: 'New stores and products without re-engineering.' },
      maintainability: { required: true, note: 'One pipeline for all categories, rerunnable from a commit.' },
      adaptability: { required: true, note: 'Pick up new products within two weeks of launch.' },
    },
    roi: {
      currency: 'EUR',
      period: 'month',
      horizon: 12,
      gains: [
        { label: 'More sales from fewer empty shelves', kind: 'revenue', amount: 40_000 },
        { label: 'Less waste: fewer markdowns and write-offs', kind: 'savings', amount: 25_000 },
      ],
      costs: [
        { label: 'Build: data science and engineering, six months', kind: 'build', amount: 150_000, recurring: false },
        { label: 'Market-trend reports', kind: 'data', amount: 2_000, recurring: true },
        { label: 'Nightly training and forecasting', kind: 'infrastructure', amount: 3_000, recurring: true },
        { label: 'Monitoring, retraining and support', kind: 'upkeep', amount: 8_000, recurring: true },
      ],
    },
    lifecycle: {
      serving: 'batch',
      servingNote: 'A nightly job writes the next four weeks of forecasts into the ordering tool.',
      monitorPerformance: true,
      monitorLatency: true,
      monitorDrift: true,
      monitoringNote: 'Forecast error per category each week once sales are in; job duration; shift in price and promotion mix.',
      retrainOnDecay: true,
      retrainOnNewPattern: false,
      retrainOnChangedAssumptions: true,
      retrainOnChangedObjective: true,
      retrainingNote: 'Monthly, and when stores open or close, or when the business moves from volume to margin targets.',
      governance: 'Forecasts and model versions are kept two years for the finance audit; planners’ overrides are logged with a reason.',
    },
  };
}

export function exampleFraming(id: ExampleId): FramingDocument {
  return id === 'spam' ? spam() : sales();
}
