import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { segmentRunCustomers } from '#shared/use-cases/segment-customers';
import { sampleRunState } from '../../support/fakes';
import { InMemoryObjectStore } from '../../support/in-memory-object-store';

const LAKE = 'lake';
const ref = (key: string) => ({ bucket: LAKE, key });

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
});
