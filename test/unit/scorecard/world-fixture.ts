import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import {
  buildTrueWorld,
  type CampaignTerms,
  type ScorecardArm,
  type TrueWorld,
  termsOfArms,
} from '#shared/domain/scorecard/true-world';
import type { TruthRecord } from '#shared/domain/scorecard/truth-file';

export const ARMS: readonly ScorecardArm[] = [
  arm('pct10', 'email', 'percent_off', 10, 0.02),
  arm('pct10', 'sms', 'percent_off', 10, 0.06),
  arm('winback', 'email', 'retention_incentive', 15, 0.02),
  arm('winback', 'direct_mail', 'retention_incentive', 15, 0.85),
  arm('info', 'push', 'informational', 0, 0.01),
];

export function arm(
  offerId: string,
  channelId: string,
  offerKind: string,
  discountPct: number,
  contactCost: number,
): ScorecardArm {
  return {
    key: `${offerId}|${channelId}|${discountPct}|09:00`,
    offerId,
    channelId,
    offerKind,
    discountPct,
    defaultLevel: true,
    window: '09:00',
    marginRate: 0.35,
    contactCost,
  };
}

export function terms(
  budget: number,
  overrides: Partial<Omit<CampaignTerms, 'resolveArm'>> = {},
  arms: readonly ScorecardArm[] = ARMS,
): CampaignTerms {
  return termsOfArms(arms, { budget, channelCapacity: new Map(), offerCapacity: new Map(), ...overrides });
}

/**
 * A random world with all four kinds of customer: uplifts drawn around zero (some negative),
 * baselines from lost causes to sure things, and each customer eligible for a random subset of arms.
 */
export function randomTruth(customers: number, seed: number): TruthRecord[] {
  const rng = xoroshiro128plus(seed);
  const u = () => uniformFloat64(rng);
  return Array.from({ length: customers }, (_, i) => {
    const pControl = u() < 0.3 ? u() * 0.4 : u() * 0.05;
    const arms: Record<string, number> = {};
    for (const a of ARMS) {
      if (u() < 0.3) continue;
      const uplift = (u() - 0.3) * 0.25;
      arms[a.key] = Math.min(1, Math.max(0, pControl + uplift));
    }
    return {
      customer_id: `C${i}`,
      kind: 'persuadable',
      p_control: pControl,
      value_of_response: 20 + u() * 80,
      arms,
      recency_days: u() < 0.1 ? null : Math.floor(u() * 400),
      frequency_365: Math.floor(u() * 30),
      monetary_365: u() * 2000,
      churn_90d: u(),
      value_180d: u() * 500,
    };
  });
}

export function randomWorld(
  customers: number,
  seed: number,
  budget: number,
  overrides?: Partial<Omit<CampaignTerms, 'resolveArm'>>,
): TrueWorld {
  return buildTrueWorld(randomTruth(customers, seed), terms(budget, overrides));
}
