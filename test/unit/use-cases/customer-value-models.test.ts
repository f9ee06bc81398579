import { parse } from 'csv-parse/sync';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXED_FEATURE_NAMES } from '#shared/domain/features/feature-vector';
import { runArtifactKeys } from '#shared/domain/runs/run-artifacts';
import type { RunState } from '#shared/domain/runs/run-state';
import { rocAuc } from '#shared/domain/scoring/metrics';
import { initTensorflow } from '#shared/domain/scoring/tensorflow';
import {
  type CUSTOMER_VALUE_COLUMNS,
  scoreCustomerValue,
} from '#shared/use-cases/scoring/customer-value-models';
import { isHeldOutSnapshot } from '#shared/use-cases/scoring/snapshot-training';
import { sampleRunState } from '../../support/fakes';
import { InMemoryObjectStore } from '../../support/in-memory-object-store';

const LAKE = 'lake';
const ref = (key: string) => ({ bucket: LAKE, key });
// Two small cross-fitted networks per test, a few seconds of wasm each.
const TIMEOUT = 60_000;

interface Customer {
  values: Map<string, number | string>;
  /** The planted churn probability and expected spend. */
  churn: number;
  spend: number;
}

/**
 * A customer whose churn risk rises with recency and whose spend follows the past year's value,
 * with a purchase history consistent with both (purchase days, first purchase, last purchase).
 */
function customer(u: () => number): Customer {
  const values = new Map<string, number | string>(
    FIXED_FEATURE_NAMES.map((f) => [f, Math.round(u() * 100) / 100]),
  );
  const recency = Math.round(1 + u() * 300);
  const monetary = Math.round(20 + u() * 500);
  const purchaseDays = 1 + Math.floor(u() * 12);
  const firstAge = recency + (purchaseDays > 1 ? Math.round(u() * 400) : 0);
  values.set('recency_days', recency);
  values.set('monetary_365', monetary);
  values.set('frequency_365', purchaseDays);
  values.set('avg_basket_value', Math.round(monetary / purchaseDays));
  values.set('purchase_days_total', purchaseDays);
  values.set('first_purchase_age_days', firstAge);
  const churn = 1 / (1 + Math.exp(-(recency - 120) / 30));
  return { values, churn, spend: (1 - churn) * monetary * 0.6 };
}

const HISTORY_COLUMNS = ['purchase_days_total', 'first_purchase_age_days'];
const COLUMNS = [...FIXED_FEATURE_NAMES, ...HISTORY_COLUMNS];

/**
 * @param options.noisyTraining labels of the snapshots the stage trains on are drawn at random; the
 *   held-out ones keep the planted truth, so a model trained here is worse than one that was not
 */
function world(seed: number, options: { churnOnly0?: boolean; noisyTraining?: boolean } = {}) {
  const rng = xoroshiro128plus(seed);
  const u = () => uniformFloat64(rng);
  const snapshots = [['spine_id', 'customer_id', 'as_of', ...COLUMNS, 'churned_90d', 'value_180d'].join(',')];
  for (let i = 0; i < 2000; i++) {
    const c = customer(u);
    const asOf = i % 2 === 0 ? '2026-08-03' : '2026-05-05';
    const noise = options.noisyTraining === true && !isHeldOutSnapshot(`C${i}@${asOf}`);
    const churned = options.churnOnly0 ? 0 : u() < (noise ? 0.4 : c.churn) ? 1 : 0;
    const value = churned ? 0 : Math.round((noise ? 150 : c.spend) * (0.5 + u()));
    snapshots.push(
      [`C${i}@${asOf}`, `C${i}`, asOf, ...COLUMNS.map((f) => c.values.get(f)), churned, value].join(','),
    );
  }
  const scored: Customer[] = [];
  const scoring = [['customer_id', ...COLUMNS].join(',')];
  for (let i = 0; i < 400; i++) {
    const c = customer(u);
    scored.push(c);
    scoring.push([`S${i}`, ...COLUMNS.map((f) => c.values.get(f))].join(','));
  }
  // A customer who never bought: no history, valued as a new customer.
  scoring.push(
    [
      'S-new',
      ...COLUMNS.map((f) =>
        f === 'purchase_days_total' ? 0 : HISTORY_COLUMNS.includes(f) || f === 'recency_days' ? '' : 0,
      ),
    ].join(','),
  );
  return { snapshots: snapshots.join('\n'), scoring: scoring.join('\n'), scored };
}

function stateWith(store: InMemoryObjectStore, files: { snapshots?: string; scoring: string }): RunState {
  store.put(LAKE, 'features/scoring.csv', files.scoring);
  if (files.snapshots !== undefined) store.put(LAKE, 'features/snapshots.csv', files.snapshots);
  return sampleRunState({
    stages: {
      features: {
        scoringFeatures: ref('features/scoring.csv'),
        trainingSet: ref('features/training.csv'),
        ...(files.snapshots === undefined ? {} : { snapshots: ref('features/snapshots.csv') }),
        catalog: ref('runs/r/catalog.json'),
        customers: 401,
        trainingRows: 0,
        queries: [],
      },
    },
  });
}

type Row = Record<(typeof CUSTOMER_VALUE_COLUMNS)[number], string>;

async function rowsOf(store: InMemoryObjectStore, state: RunState): Promise<Map<string, Row>> {
  const text = await store.readText(ref(runArtifactKeys(state.runId).customerValue));
  const rows = parse(text, { columns: true }) as Row[];
  return new Map(rows.map((r) => [r.customer_id, r]));
}

function spearman(a: readonly number[], b: readonly number[]): number {
  const rank = (xs: readonly number[]) => {
    const order = xs.map((x, i) => [x, i] as const).sort((p, q) => p[0] - q[0]);
    const r = new Array<number>(xs.length);
    for (const [k, [, i]] of order.entries()) r[i] = k;
    return r;
  };
  const ra = rank(a);
  const rb = rank(b);
  const n = a.length;
  const d2 = ra.reduce((s, x, i) => s + (x - (rb[i] as number)) ** 2, 0);
  return 1 - (6 * d2) / (n * (n * n - 1));
}

describe('scoreCustomerValue', () => {
  beforeAll(async () => {
    await initTensorflow();
  });

  it(
    'learns planted churn and value from the snapshots and scores every customer',
    async () => {
      const store = new InMemoryObjectStore();
      const w = world(1);
      const state = stateWith(store, w);
      const out = await scoreCustomerValue(store, state, LAKE, 7);

      expect(out.customers).toBe(401);
      expect(out.skipped).toEqual([]);
      // A fifth of the snapshots is held out to compare with a champion; there is none yet.
      expect(out.churn?.trainRows).toBeGreaterThan(1500);
      expect(out.churn?.trainRows).toBeLessThan(1700);
      for (const name of ['churn', 'value'] as const) {
        expect(out[name]?.registry).toMatchObject({
          version: state.runId,
          champion: true,
          reason: 'there is no champion yet',
          championMetric: null,
        });
        expect(store.keys(LAKE, `models/${name}/${state.runId}/`)).toEqual([
          `models/${name}/${state.runId}/model-card.json`,
          `models/${name}/${state.runId}/model.json`,
          `models/${name}/${state.runId}/weights.bin`,
        ]);
      }
      expect(out.churn?.registry?.challengerMetric).toBeGreaterThan(0.8);
      expect(out.value?.registry?.metric).toBe('holdoutSpearman');
      expect(out.churn?.outOfFoldAuc).toBeGreaterThan(0.8);
      expect(out.value?.spearman).toBeGreaterThan(0.6);
      const rows = await rowsOf(store, state);
      expect([...rows.keys()]).toHaveLength(401);
      const scored = w.scored.map((_, i) => rows.get(`S${i}`) as Row);
      // On customers no model saw: the churn ranking and the value ranking follow the planted truth.
      const truthChurned = Uint8Array.from(w.scored, (c) => (c.churn > 0.5 ? 1 : 0));
      expect(
        rocAuc(
          Float64Array.from(scored, (r) => Number(r.churn_probability)),
          truthChurned,
        ),
      ).toBeGreaterThan(0.9);
      expect(
        spearman(
          scored.map((r) => Number(r.value_180d)),
          w.scored.map((c) => c.spend),
        ),
      ).toBeGreaterThan(0.7);
      // The flag is the F-beta threshold applied, the quantiles are ordered.
      for (const r of scored) {
        expect(r.churn_flag).toBe(Number(r.churn_probability) >= (out.churn?.threshold ?? 0) ? '1' : '0');
        expect(Number(r.value_180d_p10)).toBeLessThanOrEqual(Number(r.value_180d_p90));
      }
    },
    TIMEOUT,
  );

  it(
    'values lifetimes by BG/NBD: a long silence lowers P(alive); a customer who never bought is valued as new',
    async () => {
      const store = new InMemoryObjectStore();
      const state = stateWith(store, { scoring: world(2).scoring });
      const out = await scoreCustomerValue(store, state, LAKE, 7);

      // Fitted on the 400 histories outside the hash-chosen fifth held out against a champion.
      expect(out.lifetime?.customers).toBeGreaterThan(280);
      expect(out.lifetime?.customers).toBeLessThan(360);
      expect(out.lifetime?.registry).toMatchObject({
        version: state.runId,
        champion: true,
        metric: 'holdoutLogLikelihood',
      });
      expect(out.lifetime?.registry?.challengerMetric).toBeLessThan(0);
      expect(store.keys(LAKE, `models/lifetime/${state.runId}/`)).toHaveLength(3);
      expect(out.lifetime?.spend?.customers).toBeGreaterThan(0);
      const rows = [...(await rowsOf(store, state)).values()];
      const repeat = rows.filter((r) => r.customer_id !== 'S-new' && r.p_alive !== '');
      // Same first purchase and count, later silence: P(alive) can only fall with recency.
      expect(repeat.length).toBeGreaterThan(300);
      for (const r of repeat) {
        expect(Number(r.p_alive)).toBeGreaterThanOrEqual(0);
        expect(Number(r.p_alive)).toBeLessThanOrEqual(1);
        expect(Number(r.lifetime_value_180d)).toBeCloseTo(
          Number(r.expected_purchases_180d) * Number(r.expected_spend),
          -1,
        );
      }
      const fresh = rows.find((r) => r.customer_id === 'S-new') as Row;
      expect(fresh.p_alive).toBe('');
      expect(Number(fresh.expected_purchases_180d)).toBeGreaterThan(0);
    },
    TIMEOUT,
  );

  it(
    'skips a model it cannot fit, with the reason, and fits the others',
    async () => {
      const store = new InMemoryObjectStore();
      const noChurners = world(3, { churnOnly0: true });
      const state = stateWith(store, noChurners);
      const out = await scoreCustomerValue(store, state, LAKE, 7);

      expect(out.churn).toBeNull();
      expect(out.skipped).toEqual([{ model: 'churn', reason: expect.stringMatching(/0 churners of \d+/) }]);
      expect(out.value?.trainRows).toBeGreaterThan(1500);
      const row = (await rowsOf(store, state)).get('S0') as Row;
      expect(row.churn_probability).toBe('');
      expect(row.churn_flag).toBe('');
      expect(Number(row.value_180d)).toBeGreaterThanOrEqual(0);

      // A run whose features stage predates the snapshots: churn and value say why they are absent.
      const olderStore = new InMemoryObjectStore();
      const older = await scoreCustomerValue(
        olderStore,
        stateWith(olderStore, { scoring: noChurners.scoring }),
        LAKE,
        7,
      );
      expect(older.skipped.map((s) => s.model)).toEqual(['churn', 'value']);
      expect(older.skipped[0]?.reason).toMatch(/no snapshots/);
      expect(older.lifetime).not.toBeNull();
    },
    TIMEOUT,
  );
});

describe('scoreCustomerValue and the champion churn and value models', () => {
  it(
    'keeps a better champion, measured on the same held-out snapshots, scores with it, and lets an equal one take over',
    async () => {
      const store = new InMemoryObjectStore();
      const first = sampleRunState({ runId: 'run-a' });
      const planted = world(1);
      const a = await scoreCustomerValue(
        store,
        { ...stateWith(store, planted), runId: first.runId },
        LAKE,
        7,
      );
      const pointer = (name: string) => store.text(LAKE, `models/${name}/champions/acme.json`);
      const before = { churn: pointer('churn'), value: pointer('value') };
      expect(JSON.parse(before.churn ?? '{}')).toMatchObject({ name: 'churn', version: 'run-a' });

      // Run B trains on noise (its held-out snapshots keep the truth): the champion stays and scores.
      const noisyWorld = world(1, { noisyTraining: true });
      const noisy = { ...stateWith(store, noisyWorld), runId: 'run-b' };
      const b = await scoreCustomerValue(store, noisy, LAKE, 7);
      expect(b.churn?.registry).toMatchObject({ version: 'run-a', champion: false });
      expect(b.churn?.registry?.reason).toMatch(/worse than champion run-a's/);
      expect(b.churn?.registry?.championMetric).toBeGreaterThan(
        (b.churn?.registry?.challengerMetric ?? 1) + 0.1,
      );
      expect(b.value?.registry).toMatchObject({ version: 'run-a', champion: false });
      expect(pointer('churn')).toBe(before.churn);
      expect(pointer('value')).toBe(before.value);
      // Every version is kept, and B's scores are the champion's (the planted risk, not noise).
      expect(store.keys(LAKE, 'models/churn/run-b/')).toHaveLength(3);
      const rowsB = await rowsOf(store, noisy);
      const truth = Uint8Array.from(noisyWorld.scored, (c) => (c.churn > 0.5 ? 1 : 0));
      const churnB = Float64Array.from(noisyWorld.scored, (_, i) =>
        Number(rowsB.get(`S${i}`)?.churn_probability),
      );
      expect(rocAuc(churnB, truth)).toBeGreaterThan(0.9);

      // The lifetime model was measured against run A's on B's held-out histories, one way or the other.
      expect(b.lifetime?.registry?.championMetric).not.toBeNull();

      // Run C trains on the same planted world as A: no worse, so it takes over.
      const c = await scoreCustomerValue(store, { ...stateWith(store, planted), runId: 'run-c' }, LAKE, 7);
      expect(c.churn?.registry).toMatchObject({ version: 'run-c', champion: true });
      expect(JSON.parse(pointer('churn') ?? '{}')).toMatchObject({
        version: 'run-c',
        history: [expect.objectContaining({ version: 'run-a' })],
      });
      expect(a.churn?.registry?.version).toBe('run-a');
    },
    3 * TIMEOUT,
  );
});

describe('lifetime figures from one history', () => {
  it('a longer silence after the same purchases means a lower P(alive)', async () => {
    const store = new InMemoryObjectStore();
    const scoring = [['customer_id', ...COLUMNS].join(',')];
    const rng = xoroshiro128plus(5);
    const u = () => uniformFloat64(rng);
    for (let i = 0; i < 300; i++) {
      const c = customer(u);
      scoring.push([`S${i}`, ...COLUMNS.map((f) => c.values.get(f))].join(','));
    }
    const twin = (id: string, recency: number) =>
      [
        id,
        ...COLUMNS.map(
          (f) =>
            ({
              recency_days: recency,
              purchase_days_total: 6,
              first_purchase_age_days: 360,
              avg_basket_value: 40,
            })[f as 'recency_days'] ?? 0,
        ),
      ].join(',');
    scoring.push(twin('recent', 10), twin('silent', 200));
    const state = stateWith(store, { scoring: scoring.join('\n') });
    await scoreCustomerValue(store, state, LAKE, 7);
    const rows = await rowsOf(store, state);
    expect(Number(rows.get('recent')?.p_alive)).toBeGreaterThan(Number(rows.get('silent')?.p_alive));
    expect(Number(rows.get('recent')?.expected_purchases_180d)).toBeGreaterThan(
      Number(rows.get('silent')?.expected_purchases_180d),
    );
  });
});
