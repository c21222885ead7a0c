import type { Period } from './document.ts';
import { formatCount } from '../shared/format.ts';

export interface RoiInput {
  /** Gains per period; rows without an amount are left out. */
  gains: readonly { amount: number | null }[];
  /** Costs: one-off, or per period when recurring. Rows without an amount are left out. */
  costs: readonly { amount: number | null; recurring: boolean }[];
  /** Total cost of ownership per period (serving, monitoring, retraining, people); unanswered parts are null. */
  ownership?: readonly (number | null)[];
  /** What the next-best use of the same people and money brings per period; null when not estimated. */
  opportunityPerPeriod?: number | null;
  period: Period;
  /** How many periods the return is computed over. */
  horizon: number;
}

export interface RoiResult {
  /** False while no gain or cost has an amount: nothing to compute yet. */
  hasAmounts: boolean;
  period: Period;
  horizon: number;
  gainPerPeriod: number;
  /** Recurring costs per period, the cost of ownership included. */
  recurringCostPerPeriod: number;
  /** The cost of ownership per period (part of the recurring costs). */
  ownershipPerPeriod: number;
  oneOffCost: number;
  totalGain: number;
  totalCost: number;
  /** (gain − cost) / cost over the horizon; null when no cost was entered (it would divide by zero). */
  roi: number | null;
  /** Periods until the one-off costs are recovered by the net gain per period; null when they never are. */
  paybackPeriods: number | null;
  /** The opportunity cost over the horizon; null when not estimated. */
  opportunityCost: number | null;
  /** Total gain − total cost − opportunity cost: above zero, this project beats the next-best use. Null when not estimated. */
  netOfOpportunity: number | null;
}

/** Return on investment over the horizon: ROI = (total gain − total cost) / total cost, and the payback period. */
export function roi(input: RoiInput): RoiResult {
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  const gainPerPeriod = sum(input.gains.flatMap((g) => (g.amount === null ? [] : [g.amount])));
  const ownershipPerPeriod = sum((input.ownership ?? []).flatMap((amount) => (amount === null ? [] : [amount])));
  const recurringCostPerPeriod = sum(input.costs.flatMap((c) => (c.amount === null || !c.recurring ? [] : [c.amount]))) + ownershipPerPeriod;
  const oneOffCost = sum(input.costs.flatMap((c) => (c.amount === null || c.recurring ? [] : [c.amount])));
  const totalGain = gainPerPeriod * input.horizon;
  const totalCost = oneOffCost + recurringCostPerPeriod * input.horizon;
  const net = gainPerPeriod - recurringCostPerPeriod;
  let paybackPeriods: number | null;
  if (oneOffCost === 0) paybackPeriods = net >= 0 ? 0 : null;
  else paybackPeriods = net > 0 ? oneOffCost / net : null;
  const opportunityCost = input.opportunityPerPeriod == null ? null : input.opportunityPerPeriod * input.horizon;
  return {
    hasAmounts: [...input.gains, ...input.costs].some((row) => row.amount !== null) || (input.ownership ?? []).some((amount) => amount !== null),
    period: input.period,
    horizon: input.horizon,
    gainPerPeriod,
    recurringCostPerPeriod,
    ownershipPerPeriod,
    oneOffCost,
    totalGain,
    totalCost,
    roi: totalCost > 0 ? (totalGain - totalCost) / totalCost : null,
    paybackPeriods,
    opportunityCost,
    netOfOpportunity: opportunityCost === null ? null : totalGain - totalCost - opportunityCost,
  };
}

function plural(count: number, period: Period): string {
  return `${period}${count === 1 ? '' : 's'}`;
}

/** "155%" */
export function formatPercent(ratio: number): string {
  const percent = ratio * 100;
  return `${Math.abs(percent) >= 100 ? formatCount(Math.round(percent)) : Number(percent.toPrecision(3))}%`;
}

/** "120,000" or "1,250.5" — grouped for reading; parseNumber reads it back. */
export function formatAmount(amount: number): string {
  return formatCount(amount, { maximumFractionDigits: 2 });
}

/** The ROI as one line for people: "ROI 155% over 12 months; pays back in 2.9 months". */
export function describeRoi(result: RoiResult): string {
  const horizon = `${result.horizon} ${plural(result.horizon, result.period)}`;
  const ratio = result.roi === null ? 'ROI not computable: no costs entered' : `ROI ${formatPercent(result.roi)} over ${horizon}`;
  return `${ratio}; ${describePayback(result)}${describeOpportunity(result)}`;
}

/** "; beats the next-best use by 234,000", or "" when no opportunity cost is estimated. */
function describeOpportunity(result: RoiResult): string {
  if (result.netOfOpportunity === null) return '';
  if (result.netOfOpportunity >= 0) return `; beats the next-best use by ${formatAmount(result.netOfOpportunity)}`;
  return `; the next-best use would bring ${formatAmount(-result.netOfOpportunity)} more`;
}

function describePayback(result: RoiResult): string {
  if (result.paybackPeriods === null) return 'never pays back (recurring costs exceed gains)';
  if (result.paybackPeriods === 0) return 'no one-off cost to pay back';
  const periods = Number(result.paybackPeriods.toPrecision(2));
  return `pays back in ${periods} ${plural(periods, result.period)}`;
}
