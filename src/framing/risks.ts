import type { FramingDocument } from './document.ts';
import { killCriteriaMonitors } from './monitors.ts';
import type { AtRisk } from './verdict.ts';

/**
 * Risks in the plan beyond "should we use ML?": answers that, as given, let a project fail in
 * production. Only answers that were given are judged; questions left open are listed as missing.
 */

/** A long enough wait for outcomes that production accuracy comes too late to be the only alarm. */
const LATE_LABEL_DAYS = 7;

const ROLE_TEXT = { model: 'the model', data: 'the data', 'on-call': 'the on-call' } as const;

export function planRisks(document: FramingDocument): AtRisk[] {
  const risks: AtRisk[] = [];
  const { prediction, data, requirements, lifecycle, criteria } = document;

  prediction.featureAvailability.forEach((row, index) => {
    const feature = row.feature.trim();
    // A delayed input is fine once the row says which value is used; one that is not known at all leaks.
    const leaks = row.available === 'no' || (row.available === 'delayed' && row.note.trim() === '');
    if (!feature || !leaks) return;
    risks.push({
      id: `prediction.featureAvailability.${index}`,
      label: `Leakage: ${feature}`,
      status: row.available === 'no' ? 'not known when predicting' : 'known with a delay',
      risk:
        row.available === 'no'
          ? 'It only exists after the prediction is made, so a model trained on it looks good offline and fails in production. Drop it, or use what was known at prediction time.'
          : 'It arrives late: say which value the model gets, the one that existed at prediction time (a point-in-time join), never the final one.',
      step: 'prediction',
    });
  });

  const { monitors, unusable } = killCriteriaMonitors(lifecycle.killCriteria, document.problem.name);
  const days = data.labelDelayDays;
  if (days !== null && days >= LATE_LABEL_DAYS && !monitors.some((m) => m.signal === 'drift')) {
    risks.push({
      id: 'data.labelDelayDays',
      label: 'Outcomes arrive late',
      status: `${days} days`,
      risk: `The truth is known ${days} days after each prediction, so production accuracy always reports that late. Add a kill criterion on data drift, which shows at once.`,
      step: 'lifecycle',
    });
  }

  if (prediction.humanInLoop === 'none' && criteria.cheapErrors.answer === 'no') {
    risks.push({
      id: 'prediction.humanInLoop',
      label: 'No human in the loop',
      status: 'the system acts alone',
      risk: 'Wrong predictions are expensive, yet nobody sees them before they take effect. Let people review uncertain or high-stakes cases.',
      step: 'prediction',
    });
  }

  data.rights.forEach((row, index) => {
    if (row.personalData !== 'personal' && row.personalData !== 'sensitive') return;
    const missing = [row.permission.trim() ? null : 'consent, legal basis or licence', row.retention.trim() ? null : 'retention'].filter(Boolean);
    if (missing.length === 0) return;
    risks.push({
      id: `data.rights.${index}`,
      label: `Personal data: ${row.source.trim() || `source ${index + 1}`}`,
      status: `no ${missing.join(' or ')}`,
      risk: 'Training on personal data needs consent or another legal basis, and a limit on how long it is kept. Name them, or leave the source out.',
      step: 'data',
    });
  });

  const measured = requirements.fairnessMetric !== null && requirements.fairnessMetric !== 'not-applicable' && requirements.fairnessGap !== null;
  if (requirements.fairness.required && !measured) {
    risks.push({
      id: 'requirements.fairnessMetric',
      label: 'Fairness without a measure',
      status: 'no metric or gap',
      risk: 'Fairness is a requirement, but no metric and tolerated gap are agreed, so nobody can check it. Name the groups, the metric and the gap.',
      step: 'requirements',
    });
  }
  if (requirements.interpretability.required && requirements.explainability === 'none') {
    risks.push({
      id: 'requirements.explainability',
      label: 'Explanations required but none agreed',
      status: 'none',
      risk: 'Interpretability is a requirement, yet the agreed explainability level is none. Settle it with the stakeholders before choosing a model.',
      step: 'requirements',
    });
  }

  const owned = lifecycle.owners.filter((o) => o.owner.trim() !== '');
  if (owned.length > 0) {
    for (const role of ['model', 'data', 'on-call'] as const) {
      if (owned.some((o) => o.role === role)) continue;
      risks.push({
        id: `lifecycle.owners.${role}`,
        label: `Nobody owns ${ROLE_TEXT[role]}`,
        status: 'no owner',
        risk: role === 'on-call' ? 'A breached kill criterion would alert no one. Name who is on call.' : `Name who answers for ${ROLE_TEXT[role]}: unowned parts decay first.`,
        step: 'lifecycle',
      });
    }
  }

  for (const row of unusable) {
    risks.push({
      id: `lifecycle.killCriteria.${row.index}`,
      label: `Kill criterion not monitored: ${row.criterion}`,
      status: 'incomplete',
      risk: `Nothing watches it because ${row.why}. Complete the row so monitoring can check it.`,
      step: 'lifecycle',
    });
  }
  return risks;
}
