import { describe, expect, it } from 'vitest';
import type { CampaignCatalog } from '#shared/domain/catalog/campaign-catalog';
import type { TruthRecord } from '#shared/domain/scorecard/truth-file';
import { campaignTerms, scoreRunAgainstTruth } from '#shared/use-cases/score-run-against-truth';
import { InMemoryObjectStore } from '../../support/in-memory-object-store';

const LAKE = 'lake';
const RUN = 'run-1';

const offer = (offerId: string, kind: string, discountPct: number, validTo = '2026-12-31') => ({
  offerId,
  name: offerId,
  kind,
  targetCategory: null,
  targetProductId: null,
  discountPct,
  discountLevels: [discountPct],
  eligibility: null,
  validFrom: '2026-01-01',
  validTo,
  maxVolume: null,
  valuePerResponse: 40,
  marginRate: 0.4,
  historicalConversions: 10,
});

const CATALOG: CampaignCatalog = {
  asOf: '2026-11-01',
  offers: [
    { ...offer('O-PCT', 'percent_off', 10), discountLevels: [5, 10] },
    offer('O-OLD', 'percent_off', 20, '2026-10-01'),
  ],
  channels: [
    { channelId: 'email', costPerContact: 0.02, sendHours: [], capacityPerDay: 100 },
    { channelId: 'sms', costPerContact: 0.06, sendHours: [], capacityPerDay: 1 },
  ],
  categories: [],
};

const truth = (id: string, arms: Record<string, number>): TruthRecord => ({
  customer_id: id,
  kind: 'persuadable',
  p_control: 0.1,
  value_of_response: 50,
  arms,
  recency_days: 5,
  frequency_365: 3,
  monetary_365: 120,
  churn_90d: 0.3,
  value_180d: 80,
});

async function* records(list: TruthRecord[]): AsyncIterable<TruthRecord> {
  yield* list;
}

async function lakeWith(plan: string, scores: string): Promise<InMemoryObjectStore> {
  const store = new InMemoryObjectStore();
  const put = (key: string, body: string) => store.write({ bucket: LAKE, key }, body, 'text/plain');
  await put(`runs/${RUN}/catalog.json`, JSON.stringify(CATALOG));
  await put(`runs/${RUN}/plan.csv`, plan);
  await put(`runs/${RUN}/scores.csv`, scores);
  await put(
    `models/response/${RUN}/model-card.json`,
    JSON.stringify({
      actions: [
        { actionId: 'O-PCT|sms|10', offerId: 'O-PCT', channelId: 'sms', discountPct: 10, arm: 1 },
        { actionId: 'O-PCT|email|10', offerId: 'O-PCT', channelId: 'email', discountPct: 10, arm: 2 },
      ],
    }),
  );
  return store;
}

describe('campaignTerms', () => {
  it('takes any valid offer at any of its levels on any channel and window, with the run budget and capacities', () => {
    const terms = campaignTerms(CATALOG, 500, '2026-11-08');
    expect(terms.resolveArm('O-PCT|email|10|09:00')).toMatchObject({
      offerId: 'O-PCT',
      channelId: 'email',
      discountPct: 10,
      defaultLevel: true,
      window: '09:00',
      marginRate: 0.4,
      contactCost: 0.02,
    });
    expect(terms.resolveArm('O-PCT|sms|5|any')).toMatchObject({
      discountPct: 5,
      defaultLevel: false,
      window: 'any',
    });
    // A level the offer does not allow, an offer no longer valid, an unknown channel, not a key.
    for (const key of ['O-PCT|email|20|09:00', 'O-OLD|email|20|09:00', 'O-PCT|fax|10|09:00', 'O-PCT|email']) {
      expect(terms.resolveArm(key), key).toBeUndefined();
    }
    expect(terms.channelCapacity.get('sms')).toBe(1);
    expect(terms.budget).toBe(500);
  });
});

describe('scoreRunAgainstTruth', () => {
  it("judges the run's plan, keeps its holdout out, counts rows the truth cannot judge, and maps scores to arms", async () => {
    const store = await lakeWith(
      [
        'customer_id,decision,offer_id,channel_id',
        'A,target,O-PCT,email',
        'B,holdout,,',
        'C,target,O-PCT,sms',
        'D,target,O-PCT,email',
        'E,none,,',
      ].join('\n'),
      [
        'customer_id,p_control,p_action_1,p_action_2',
        'A,0.1,0.2,0.5',
        'C,0.1,0.3,0.4',
        'E,0.2,0.25,0.3',
      ].join('\n'),
    );
    const card = await scoreRunAgainstTruth(
      { store, lakeBucket: LAKE },
      {
        runId: RUN,
        budget: 100,
        sendDate: '2026-11-08',
        seed: 1,
        truth: records([
          truth('A', { 'O-PCT|email|10|09:00': 0.5 }),
          truth('B', { 'O-PCT|email|10|09:00': 0.9 }),
          // C cannot receive sms (no consent): the plan's row for C is not judged.
          truth('C', { 'O-PCT|email|10|09:00': 0.3 }),
          truth('E', {
            'O-PCT|email|10|09:00': 0.2,
            'O-PCT|sms|10|09:00': 0.25,
            'O-OLD|email|20|09:00': 0.9,
          }),
        ]),
      },
    );
    expect(card.customers).toBe(3);
    // D is not in the truth, C's arm is not open to C.
    expect(card.engine?.unmatched).toBe(2);
    expect(card.engine?.figures.contacted).toBe(1);
    // A on e-mail: uplift 0.4 × 50 × 0.4 − 0.5 × 10% × 50 − 0.02.
    expect(card.engine?.figures.incrementalProfit).toBeCloseTo(8 - 2.5 - 0.02, 9);
    expect(card.unknownArms).toEqual(['O-OLD|email|20|09:00']);
    // Scores: arm 2 is O-PCT|email, arm 1 O-PCT|sms; A's e-mail estimate is 0.5, E's sms 0.25.
    expect(card.model?.scoredActions).toBe(4);
    expect(card.model?.calibrationError).toBeCloseTo(
      (Math.abs(0.5 - 0.5) + Math.abs(0.4 - 0.3) + Math.abs(0.3 - 0.2) + Math.abs(0.25 - 0.25)) / 4,
      9,
    );
  });

  it("judges another plan in place of the run's, still leaving out the run's holdout", async () => {
    const store = await lakeWith(
      ['customer_id,decision,offer_id,channel_id', 'A,target,O-PCT,email', 'B,holdout,,'].join('\n'),
      'customer_id,p_control,p_action_1,p_action_2\n',
    );
    await store.write(
      { bucket: LAKE, key: 'mine.csv' },
      ['customer_id,decision,offer_id,channel_id', 'B,target,O-PCT,email', 'C,target,O-PCT,email'].join('\n'),
      'text/csv',
    );
    const card = await scoreRunAgainstTruth(
      { store, lakeBucket: LAKE },
      {
        runId: RUN,
        budget: 100,
        sendDate: '2026-11-08',
        seed: 1,
        planKey: 'mine.csv',
        planLabel: 'my plan',
        truth: records([
          truth('A', { 'O-PCT|email|10|09:00': 0.5 }),
          truth('B', { 'O-PCT|email|10|09:00': 0.9 }),
          truth('C', { 'O-PCT|email|10|09:00': 0.3 }),
        ]),
      },
    );
    expect(card.engine?.label).toBe('my plan');
    // B is the run's holdout: no plan may contact B, so that row is not judged.
    expect(card.engine?.unmatched).toBe(1);
    expect(card.engine?.figures.contacted).toBe(1);
    expect(card.engine?.figures.incrementalConversions).toBeCloseTo(0.2, 12);
  });
});
