import { type TrueWorld, trueOutcome } from './true-world';

/** A plan as the scorecard reads it: per customer of the world, the chosen action or -1. */
export type Choice = Int32Array;

/** A plan's worth under the planted model. */
export interface PlanFigures {
  readonly contacted: number;
  readonly incrementalConversions: number;
  readonly incrementalRevenue: number;
  readonly incrementalProfit: number;
  readonly spend: number;
  /** Incremental profit per unit of spend; null when nothing is spent. */
  readonly roi: number | null;
  /** Limits the plan breaks under the true spend: a plan built on estimates may overspend. */
  readonly breaches: readonly string[];
}

export function planFigures(world: TrueWorld, choice: Choice): PlanFigures {
  let contacted = 0;
  let conversions = 0;
  let revenue = 0;
  let profit = 0;
  let spend = 0;
  const perChannel = new Map<string, number>();
  const perOffer = new Map<string, number>();
  for (let i = 0; i < choice.length; i++) {
    const action = choice[i] as number;
    if (action < 0) continue;
    const o = trueOutcome(world, i, action);
    const arm = world.arms[world.actionArm[action] as number];
    contacted += 1;
    conversions += o.incrementalConversions;
    revenue += o.incrementalRevenue;
    profit += o.profit;
    spend += o.spend;
    if (arm) {
      perChannel.set(arm.channelId, (perChannel.get(arm.channelId) ?? 0) + 1);
      perOffer.set(arm.offerId, (perOffer.get(arm.offerId) ?? 0) + 1);
    }
  }
  const { terms } = world;
  const breaches: string[] = [];
  // A cent of slack: sums of many small floats are not exact.
  if (spend > terms.budget + 0.01) {
    breaches.push(`spends ${spend.toFixed(2)} against a budget of ${terms.budget.toFixed(2)}`);
  }
  for (const [channel, used] of perChannel) {
    const cap = terms.channelCapacity.get(channel);
    if (cap !== undefined && used > cap) breaches.push(`${used} contacts on ${channel}, capacity ${cap}`);
  }
  for (const [offer, used] of perOffer) {
    const cap = terms.offerCapacity.get(offer);
    if (cap !== undefined && used > cap) breaches.push(`${used} customers get ${offer}, limit ${cap}`);
  }
  return {
    contacted,
    incrementalConversions: conversions,
    incrementalRevenue: revenue,
    incrementalProfit: profit,
    spend,
    roi: spend > 0 ? profit / spend : null,
    breaches,
  };
}
