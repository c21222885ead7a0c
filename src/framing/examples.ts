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
    baseline: {
      withoutMl: 'no',
      solution: 'Public blocklists plus the five keyword rules in production today. A vendor spam API was also tried on a month of our mail.',
      score: 0.81,
      sourcing: 'build',
      sourcingNote: 'The vendor API scored F1 0.90 but cannot learn from our users’ reports and is priced per message; we build our own, reusing an open multilingual text encoder.',
    },
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
      labelDelayDays: 2,
      outcomeCost: 'Users’ clicks are free but noisy, and most missed spam is never reported. Checking a weekly sample costs the two reviewers’ half days.',
      rights: [
        {
          source: 'Messages and users’ reports',
          owner: 'Mail platform team',
          personalData: 'personal',
          permission: 'Terms of service § 7: mail is processed to protect the service; only hashed features leave the mail cluster',
          retention: '18 months',
        },
        { source: 'Public spam corpora', owner: 'Their publishers', personalData: 'pseudonymised', permission: 'Licences that allow commercial training, checked by legal', retention: 'Until our own labels replace them' },
        { source: 'Sender-reputation feed', owner: 'The vendor', personalData: 'none', permission: 'Yearly licence: use as a model input, no resale', retention: 'Lookups cached 30 days' },
      ],
    },
    prediction: {
      learning: 'supervised',
      taskType: 'classification',
      inputs: 'Headers, body text, links and attachments metadata, and the sender’s history with us.',
      outputs: 'A spam probability per message. Above 0.9 the message goes to the spam folder; nothing is deleted.',
      features: 'Age of linked domains, ratio of images to text, share of recipients who reported the sender before, mismatch between display name and address. Derived with the trust & safety analysts.',
      featureAvailability: [
        { feature: 'Sender’s earlier reports', available: 'yes', note: 'Counted up to the moment the message arrives' },
        { feature: 'Age of linked domains', available: 'yes', note: 'From the cached domain lookup at delivery' },
        { feature: 'Reports on this very message', available: 'no', note: 'Only exist after delivery; the first model used them by mistake' },
      ],
      domainExperts: 'Two trust & safety analysts who handle abuse reports today.',
      decision: 'Whether each incoming message is delivered to the inbox or to the spam folder.',
      actor: 'The mail delivery service, automatically, in the delivery path.',
      humanInLoop: 'exceptions',
      humanInLoopNote: 'Users’ "not spam" appeals and a weekly sample go to two reviewers, who can allow a sender.',
    },
    evaluation: {
      metric: 'val_f1',
      direction: 'max',
      threshold: 0.95,
      baseline: 'Current rules: F1 0.81 on last month’s reported mail.',
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
      explainability: 'global',
      fairnessGroups: 'Messages by language, detected from the text; each language compared with English.',
      fairnessMetric: 'false-positive-rate',
      fairnessGap: 0.01,
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
      ],
      servingCost: 3_000,
      monitoringCost: 2_000,
      retrainingCost: 2_000,
      peopleCost: 2_000,
      opportunityCost: 10_000,
      opportunityNote: 'The same two engineers would otherwise ship calendar sync, worth about 10,000 a month in retention.',
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
      owners: [
        { role: 'model', owner: 'Priya Raman, ML lead', duties: 'Approves each retraining and promotion' },
        { role: 'data', owner: 'Jonas Berg, data engineering', duties: 'Report pipeline, features, data rights' },
        { role: 'on-call', owner: 'Mail platform on-call rotation', duties: 'Answers monitor alerts; can switch the filter to fail-open' },
      ],
      launchCriteria:
        'F1 of at least 0.95 on the latest month; two weeks in shadow mode flagging no more legitimate mail than the rules do; fail-open tested; trust & safety signs off.',
      killCriteria: [
        { criterion: 'F1 on reviewed mail falls too low', signal: 'metric', key: 'f1', comparison: 'below', limit: 0.9, action: 'retrain' },
        { criterion: 'Real mail flagged more often in one language', signal: 'metric', key: 'fpr_gap_language', comparison: 'above', limit: 0.01, action: 'rollback' },
        { criterion: 'Incoming mail drifts from the training data', signal: 'drift', key: '', comparison: 'above', limit: 0.25, action: 'retrain' },
        { criterion: 'Serving costs outgrow the savings', signal: 'metric', key: 'cost_per_day', comparison: 'above', limit: 500, action: 'stop' },
      ],
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
    baseline: {
      withoutMl: 'no',
      solution: 'Seasonal naive: the same week last year, scaled by this year’s trend. The forecasting add-on of our ERP was trialled too.',
      score: 0.24,
      sourcing: 'build',
      sourcingNote: 'The ERP add-on reached MAPE 0.21 but cannot use our promotion calendar; we build on an open-source gradient-boosting library.',
    },
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
      labelDelayDays: 7,
      outcomeCost: 'Nothing extra: sales are recorded anyway. Days out of stock hide the true demand and take an analyst about a week a year to correct.',
      rights: [
        { source: 'Point-of-sale records', owner: 'Retail finance', personalData: 'none', permission: 'Internal data; loyalty-card numbers are dropped before export', retention: '5 years' },
        { source: 'Market-trend reports', owner: 'The vendor', personalData: 'none', permission: 'Yearly licence: internal models allowed, no redistribution', retention: 'While the licence runs' },
        { source: 'Weather forecasts', owner: 'Weather API provider', personalData: 'none', permission: 'Commercial API terms', retention: '2 years' },
      ],
    },
    prediction: {
      learning: 'supervised',
      taskType: 'forecasting',
      inputs: 'Past sales, prices, planned promotions, calendar, holidays and weather per store.',
      outputs: 'Units expected to sell per product and store for each of the next four weeks.',
      features: 'Promotion calendar, product life-cycle stage, cannibalisation between similar products, distance to the next holiday. Derived with the category managers.',
      featureAvailability: [
        { feature: 'Planned promotions', available: 'yes', note: 'In the promotion calendar six weeks ahead' },
        { feature: 'Weather per store', available: 'yes', note: 'The forecast issued the night before, never the weather that actually came' },
        { feature: 'Stock on hand', available: 'delayed', note: 'Counted at closing time: use the count of the day before' },
      ],
      domainExperts: 'Two category managers and a senior planner.',
      decision: 'How many units of each product to order for each store next week.',
      actor: 'Replenishment planners, who accept or change each suggested order in the ordering tool.',
      humanInLoop: 'every-decision',
      humanInLoopNote: 'Planners see the forecast with its main drivers and may override it; overrides are logged with a reason.',
    },
    evaluation: {
      metric: 'val_mape',
      direction: 'min',
      threshold: 0.15,
      baseline: 'Planners’ spreadsheet: MAPE 0.28 on last year’s held-out quarter.',
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
      explainability: 'per-prediction',
      fairnessGroups: 'None: the forecasts are about products and stores, not people.',
      fairnessMetric: 'not-applicable',
      fairnessGap: null,
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
      ],
      servingCost: 1_500,
      monitoringCost: 1_000,
      retrainingCost: 1_500,
      peopleCost: 7_000,
      opportunityCost: 20_000,
      opportunityNote: 'The pricing dashboard the category managers have asked for.',
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
      owners: [
        { role: 'model', owner: 'Ana Costa, data science lead', duties: 'Monthly retraining; accuracy per category' },
        { role: 'data', owner: 'Retail data platform team', duties: 'Sales and stock pipelines; the licences' },
        { role: 'on-call', owner: 'Data platform on-call', duties: 'Nightly job failures and monitor alerts; falls back to last week’s forecast' },
      ],
      launchCriteria:
        'MAPE of at most 0.15 on the latest held-out quarter and better than seasonal naive in every category; a month beside the spreadsheet with fewer empty shelves in the pilot stores; purchasing signs off.',
      killCriteria: [
        { criterion: 'Forecast error too high', signal: 'metric', key: 'mape', comparison: 'above', limit: 0.2, action: 'retrain' },
        { criterion: 'Price mix drifts from the training data', signal: 'drift', key: 'price', comparison: 'above', limit: 0.25, action: 'retrain' },
        { criterion: 'No better than seasonal naive', signal: 'metric', key: 'mape_vs_naive', comparison: 'above', limit: 1, action: 'stop' },
      ],
    },
  };
}

export function exampleFraming(id: ExampleId): FramingDocument {
  return id === 'spam' ? spam() : sales();
}
