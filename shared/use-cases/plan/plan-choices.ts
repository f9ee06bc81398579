import type { AllocationResult } from '../../domain/allocation';
import { type ActionEconomics, actionEconomics } from '../../domain/planning/action-economics';
import type { PlanSummary } from '../../domain/runs/run-state';
import type { PlanInputs, PlannableAction } from './plan-inputs';

/** What the plan decided for one customer, with the figures behind it. */
export interface CustomerChoice {
  readonly index: number;
  readonly customerId: string;
  readonly decision: 'target' | 'none' | 'holdout';
  readonly action?: PlannableAction;
  readonly economics?: ActionEconomics;
  readonly pTreated?: number;
  readonly pControl: number;
  /** The best other action at the plan's prices, and its expected profit. */
  readonly runnerUp: string;
  readonly runnerUpValue: number | null;
  /** The chosen action's value net of the prices it had to beat. */
  readonly reducedValue: number | null;
}

export type PlanTotals = Pick<
  PlanSummary,
  | 'targetedCustomers'
  | 'byArm'
  | 'spend'
  | 'contactCost'
  | 'expectedDiscountCost'
  | 'expectedIncrementalConversions'
  | 'expectedIncrementalRevenue'
  | 'expectedIncrementalProfit'
>;

/** Resolves the solver's option indices back into actions and economics, customer by customer. */
export function planChoices(inputs: PlanInputs, result: AllocationResult): CustomerChoice[] {
  const { options, candidates } = inputs;
  const byActionAt = new Map(inputs.actions.map((a) => [a.actionAt, a]));
  const actionOfOption = (option: number): PlannableAction | undefined =>
    option < 0 ? undefined : byActionAt.get(options.action[option] ?? -1);
  return candidates.map((c, index): CustomerChoice => {
    const choice = result.choice[index] ?? -1;
    const runnerUpOption = result.runnerUp[index] ?? -1;
    const runnerUp = actionOfOption(runnerUpOption);
    const common = {
      index,
      customerId: c.customerId,
      pControl: c.pControl,
      runnerUp: runnerUp?.actionId ?? '',
      runnerUpValue: runnerUp ? (options.value[runnerUpOption] ?? null) : null,
    };
    if (choice < 0) return { ...common, decision: c.heldOut ? 'holdout' : 'none', reducedValue: null };
    const action = actionOfOption(choice);
    if (!action) throw new Error(`option ${choice} points at an unknown action`);
    const pTreated = c.actions[action.actionAt] ?? 0;
    return {
      ...common,
      decision: 'target',
      action,
      pTreated,
      economics: actionEconomics(pTreated, c.pControl, action.offer, action.channel, action.discountPct),
      reducedValue: result.reducedValue[index] ?? null,
    };
  });
}

/** The plan's totals and its customers and spend per action. */
export function planTotals(choices: readonly CustomerChoice[]): PlanTotals {
  const byAction = new Map<string, PlanTotals['byArm'][number]>();
  const totals = {
    targetedCustomers: 0,
    spend: 0,
    contactCost: 0,
    expectedDiscountCost: 0,
    expectedIncrementalConversions: 0,
    expectedIncrementalRevenue: 0,
    expectedIncrementalProfit: 0,
  };
  for (const { action, economics: e } of choices) {
    if (!action || !e) continue;
    totals.targetedCustomers += 1;
    totals.spend += e.cost;
    totals.contactCost += e.contactCost;
    totals.expectedDiscountCost += e.expectedDiscountCost;
    totals.expectedIncrementalConversions += e.incrementalConversions;
    totals.expectedIncrementalRevenue += e.incrementalRevenue;
    totals.expectedIncrementalProfit += e.value;
    const entry = byAction.get(action.actionId) ?? {
      offerId: action.offerId,
      channelId: action.channelId,
      discountPct: action.discountPct,
      customers: 0,
      spend: 0,
    };
    entry.customers += 1;
    entry.spend += e.cost;
    byAction.set(action.actionId, entry);
  }
  return { ...totals, byArm: [...byAction.values()].sort((a, b) => b.customers - a.customers) };
}
