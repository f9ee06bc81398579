import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { latestSegmentCentroidsKey, runArtifactKeys } from '#shared/domain/runs/run-artifacts';
import type { RunState } from '#shared/domain/runs/run-state';
import { segmentOutput } from '#shared/domain/runs/run-state';
import { segmentCentroidsFile } from '#shared/domain/segmentation/stable-ids';
import { segmentRunCustomers } from '#shared/use-cases/segment-customers';
import { sampleRunState } from '../../support/fakes';
import { InMemoryObjectStore } from '../../support/in-memory-object-store';

const LAKE = 'lake';
const ref = (key: string) => ({ bucket: LAKE, key });
const LATEST = latestSegmentCentroidsKey('acme');

const HEADER = [
  'customer_id',
  'recency_days',
  'frequency_365',
  'monetary_365',
  'tenure_days',
  'avg_basket_value',
  'return_rate',
  'cat_share_skin_care',
  'cat_share_vitamins',
  'cat_share_baby',
  'cat_share_hair',
  'response_rate_email',
  'response_rate_sms',
  'response_rate_discounted',
  'is_inactive',
  'is_otc_only',
  'is_high_value',
];

interface Customer {
  id: string;
  recency: number | null;
  frequency: number;
  monetary: number;
}

/**
 * Three clear groups and some who never bought: A recent and frequent, B lapsed, C occasional and
 * cheap. A and B spend about the same, `aSpend` and `bSpend`, so which of them the segmentation
 * ranks first (and numbers 0) depends on those two alone.
 */
function population(aSpend = 1000, bSpend = 900): Customer[] {
  const out: Customer[] = [];
  for (let i = 0; i < 15; i++) {
    out.push({ id: `A${i}`, recency: 2 + (i % 3), frequency: 25 + (i % 4), monetary: aSpend + 7 * i });
    out.push({ id: `B${i}`, recency: 300 + 2 * i, frequency: 2 + (i % 2), monetary: bSpend + 5 * i });
    out.push({ id: `C${i}`, recency: 60 + (i % 5), frequency: 6 + (i % 2), monetary: 40 + i });
  }
  for (let i = 0; i < 5; i++) out.push({ id: `N${i}`, recency: null, frequency: 0, monetary: 0 });
  return out;
}

function featuresCsv(customers: readonly Customer[]): string {
  const lines = [HEADER.join(',')];
  for (const c of customers) {
    const group = c.id.charAt(0);
    const bought = c.recency !== null;
    const shares = { A: '0.5,0.3,0,0.2', B: '0.1,0.1,0.8,0', C: '0,0,0,1', N: ',,,' }[group] ?? ',,,';
    const response = { A: '0.4,0.2', B: '0.1,', C: ',', N: ',' }[group] ?? ',';
    lines.push(
      [
        c.id,
        c.recency ?? '',
        c.frequency,
        c.monetary,
        bought ? 400 : 20,
        bought ? (c.monetary / c.frequency).toFixed(2) : 0,
        group === 'B' ? 0.1 : 0,
        shares,
        response,
        '0.9',
        String(!bought || (c.recency ?? 0) > 180),
        'false',
        String(group === 'A'),
      ].join(','),
    );
  }
  return lines.join('\n');
}

function stateFor(runId: string, seed: number, featuresKey: string, customers: number): RunState {
  return sampleRunState({
    runId,
    campaign: { budget: 1000, holdoutFraction: 0.1, sendDate: '2026-11-29', seed, currency: 'EUR' },
    stages: {
      features: {
        scoringFeatures: ref(featuresKey),
        trainingSet: ref('training.csv'),
        catalog: ref('catalog.json'),
        customers,
        trainingRows: 0,
        queries: [],
      },
    },
  });
}

/** Runs the stage on `customers` as run `runId` and returns it with each customer's segment id. */
async function run(store: InMemoryObjectStore, runId: string, customers: readonly Customer[], seed = 7) {
  const key = `${runId}/features.csv`;
  await store.write(ref(key), featuresCsv(customers), 'text/csv');
  const result = await segmentRunCustomers(stateFor(runId, seed, key, customers.length), {
    store,
    lakeBucket: LAKE,
  });
  const rows = parse(await store.readText(result.output.segments), { columns: true }) as Record<
    string,
    string
  >[];
  const idOf = Object.fromEntries(rows.map((r) => [r.customer_id, Number(r.segment_id)]));
  const nameOf = Object.fromEntries(rows.map((r) => [r.customer_id, r.segment_name]));
  return { output: result.output, idOf, nameOf };
}

/** Fisher-Yates with a fixed LCG, so the shuffle is the same every time. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 48271) % 2147483647;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe('segmentRunCustomers', () => {
  it("keeps every customer's lifecycle flags beside their segment, and counts them per segment", async () => {
    const store = new InMemoryObjectStore();
    const lines = [
      'customer_id,recency_days,frequency_365,monetary_365,is_inactive,is_otc_only,is_high_value',
    ];
    // 60 customers in three clear groups: champions, lapsed big spenders, never bought.
    for (let i = 0; i < 20; i++)
      lines.push(`A${i},${2 + (i % 3)},${30 + i},${3000 + 10 * i},false,false,true`);
    for (let i = 0; i < 20; i++) lines.push(`B${i},${300 + i},${2 + (i % 2)},${150 + i},true,${i < 5},false`);
    for (let i = 0; i < 20; i++) lines.push(`C${i},,0,0,true,false,false`);
    await store.write(ref('features.csv'), lines.join('\n'), 'text/csv');
    const state = sampleRunState({
      stages: {
        features: {
          scoringFeatures: ref('features.csv'),
          trainingSet: ref('training.csv'),
          catalog: ref('catalog.json'),
          customers: 60,
          trainingRows: 0,
          queries: [],
        },
      },
    });

    const result = await segmentRunCustomers(state, { store, lakeBucket: LAKE });

    const rows = parse(await store.readText(result.output.segments), { columns: true }) as Record<
      string,
      string
    >[];
    expect(rows).toHaveLength(60);
    expect(rows.find((r) => r.customer_id === 'B3')).toMatchObject({
      is_inactive: 'true',
      is_otc_only: 'true',
      is_high_value: 'false',
    });
    const total = (key: 'inactiveCustomers' | 'otcOnlyCustomers' | 'highValueCustomers') =>
      result.output.profiles.reduce((n, p) => n + p[key], 0);
    expect([total('inactiveCustomers'), total('otcOnlyCustomers'), total('highValueCustomers')]).toEqual([
      40, 5, 20,
    ]);
    // k-means keeps the champions apart from the others: their segments hold only them.
    for (const p of result.output.profiles.filter((x) => x.highValueCustomers > 0)) {
      expect(p).toMatchObject({ highValueCustomers: p.customers, inactiveCustomers: 0 });
    }
  });

  it("writes the centroids beside the run and as the partner's latest, numbering the first run afresh", async () => {
    const store = new InMemoryObjectStore();
    const { output, idOf } = await run(store, 'run-1', population());

    expect(output.idsMatchedTo).toBeNull();
    expect(output.idsNote).toMatch(/afresh: no previous segment centroids for partner acme/);
    // The first run keeps the value order: ids 0.. by mean spend, the never-purchased last.
    expect(output.profiles.map((p) => p.segmentId)).toEqual([0, 1, 2, 3]);
    expect(idOf.N0).toBe(3);

    const own = store.text(LAKE, runArtifactKeys('run-1').segmentCentroids);
    expect(store.text(LAKE, LATEST)).toBe(own);
    const file = segmentCentroidsFile.parse(JSON.parse(own ?? ''));
    expect(file).toMatchObject({ version: 1, runId: 'run-1', matchedTo: null, nextId: 4 });
    expect(file.createdAt).toBe('2026-11-22T07:00:00.000Z');
    expect(file.segments.map((s) => [s.segmentId, s.customers, s.centroid === null])).toEqual([
      [0, 15, false],
      [1, 15, false],
      [2, 15, false],
      [3, 5, true],
    ]);
  });

  it('keeps each customer in the same segment id across runs with another seed and order', async () => {
    const store = new InMemoryObjectStore();
    const first = await run(store, 'run-1', population());
    const second = await run(store, 'run-2', shuffled(population(), 99), 12345);

    expect(second.output.idsMatchedTo).toBe('run-1');
    expect(second.output.idsNote).toBeUndefined();
    expect(second.idOf).toEqual(first.idOf);
    expect(segmentCentroidsFile.parse(JSON.parse(store.text(LAKE, LATEST) ?? ''))).toMatchObject({
      runId: 'run-2',
      matchedTo: 'run-1',
      nextId: 4,
    });
  });

  it('keeps ids when the value order of two segments flips, which renumbers them without matching', async () => {
    const store = new InMemoryObjectStore();
    const first = await run(store, 'run-1', population(1000, 900));
    const second = await run(store, 'run-2', population(900, 1000));
    // A fresh segmentation would now number B before A.
    const fresh = await run(new InMemoryObjectStore(), 'run-x', population(900, 1000));
    expect(fresh.idOf.B0).toBe(first.idOf.A0);

    expect(second.idOf).toEqual(first.idOf);
    expect(second.output.profiles.map((p) => p.segmentId)).toEqual([0, 1, 2, 3]);
    expect(second.output.profiles.find((p) => p.segmentId === second.idOf.B0)?.meanMonetary).toBe(1035);
  });

  it('numbers afresh, and says why, when the latest centroids are unusable', async () => {
    for (const [body, why] of [
      ['{"version": 1, "runId": "run-0"', /not valid JSON/],
      [JSON.stringify({ version: 7 }), /does not match the centroids schema/],
      [
        JSON.stringify({
          version: 1,
          runId: 'run-0',
          createdAt: '2026-11-15T07:00:00.000Z',
          matchedTo: null,
          features: ['recency', 'frequency'],
          nextId: 1,
          segments: [{ segmentId: 0, name: 'Lost', customers: 3, centroid: [1, 1] }],
        }),
        /not on this run's/,
      ],
    ] as const) {
      const store = new InMemoryObjectStore();
      store.put(LAKE, LATEST, body);
      const { output } = await run(store, 'run-1', population());
      expect(output.idsMatchedTo).toBeNull();
      expect(output.idsNote).toMatch(why);
      expect(output.idsNote).toContain(LATEST);
      expect(output.profiles.map((p) => p.segmentId)).toEqual([0, 1, 2, 3]);
      // The unusable file is replaced, so the next run matches again.
      expect(segmentCentroidsFile.parse(JSON.parse(store.text(LAKE, LATEST) ?? '')).runId).toBe('run-1');
    }
  });

  it('gives a retried stage the ids of its first attempt, matched to the same previous run', async () => {
    const store = new InMemoryObjectStore();
    await run(store, 'run-1', population());
    const attempt = await run(store, 'run-2', population(900, 1000));
    const centroids = store.text(LAKE, LATEST);
    const retry = await run(store, 'run-2', population(900, 1000));
    expect(retry.output).toEqual(attempt.output);
    expect(retry.output.idsMatchedTo).toBe('run-1');
    expect(store.text(LAKE, LATEST)).toBe(centroids);
  });

  it('names new segments with fresh ids and retired ones in the note', async () => {
    const store = new InMemoryObjectStore();
    await run(store, 'run-1', population());
    // C is gone; a group of big, frequent but lapsed spenders appears.
    const next = population().filter((c) => !c.id.startsWith('C'));
    for (let i = 0; i < 15; i++)
      next.push({ id: `D${i}`, recency: 200 + i, frequency: 40, monetary: 20_000 + i });
    const { output, idOf } = await run(store, 'run-2', next);
    const first = await run(new InMemoryObjectStore(), 'run-1', population());
    expect(idOf.A0).toBe(first.idOf.A0);
    expect(idOf.B0).toBe(first.idOf.B0);
    expect(idOf.N0).toBe(first.idOf.N0);
    expect(idOf.D0).toBe(4);
    expect(output.idsNote).toBe(`new segment ids 4; retired segment ids ${first.idOf.C0}`);
  });

  it('profiles each segment: mean features, top categories and response rate', async () => {
    const store = new InMemoryObjectStore();
    const { output, idOf } = await run(store, 'run-1', population());
    const profileOf = (customer: string) => output.profiles.find((p) => p.segmentId === idOf[customer]);

    const a = profileOf('A0');
    expect(a?.topCategories).toEqual([
      { category: 'skin_care', share: expect.closeTo(0.5, 12) },
      { category: 'vitamins', share: expect.closeTo(0.3, 12) },
      { category: 'hair', share: expect.closeTo(0.2, 12) },
    ]);
    // (0.4 + 0.2) per customer; the discounted rate is not a channel's and stays out.
    expect(a?.responseRate).toBeCloseTo(0.3, 12);
    expect(a?.meanFeatures).toMatchObject({ recency_days: 3, tenure_days: 400, return_rate: 0 });
    expect(a?.meanFeatures.monetary_365).toBeCloseTo(1049, 9);
    expect(Object.keys(a?.meanFeatures ?? {})).toEqual([
      'recency_days',
      'frequency_365',
      'monetary_365',
      'tenure_days',
      'avg_basket_value',
      'return_rate',
    ]);
    expect(profileOf('B0')).toMatchObject({
      responseRate: expect.closeTo(0.1, 12),
      highValueCustomers: 0,
      inactiveCustomers: 15,
    });
    expect(profileOf('B0')?.topCategories[0]).toEqual({ category: 'baby', share: expect.closeTo(0.8, 12) });
    expect(profileOf('C0')).toMatchObject({
      responseRate: null,
      topCategories: [{ category: 'hair', share: 1 }],
    });
    const n = profileOf('N0');
    expect(n).toMatchObject({ name: 'No purchase yet', topCategories: [], responseRate: null });
    expect(n?.meanFeatures).not.toHaveProperty('recency_days');
    expect(n?.meanFeatures.tenure_days).toBe(20);
    // The output is what the state machine carries: it must parse, and stay small.
    expect(segmentOutput.parse(output)).toEqual(output);
    expect(JSON.stringify(output).length).toBeLessThan(8_000);
  });

  it('still parses a stage output written before profiles and stable ids', () => {
    const old = segmentOutput.parse({
      segments: ref('segments.csv'),
      k: 1,
      silhouette: 0,
      profiles: [
        {
          segmentId: 0,
          name: 'Loyal',
          customers: 3,
          revenueShare: 1,
          meanRecencyDays: 5,
          meanFrequency: 2,
          meanMonetary: 30,
        },
      ],
    });
    expect(old.idsMatchedTo).toBeUndefined();
    expect(old.profiles[0]).toMatchObject({ meanFeatures: {}, topCategories: [], responseRate: null });
  });
});
