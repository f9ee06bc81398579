import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DemoBatch,
  demoBatchDefaults,
  generateDemoBatch,
} from '../../../shared/demo/generate-demo-batch';
import type { DatasetName } from '../../../shared/domain/contracts/datasets';
import { type CsvFile, consents, day, readBatch, seconds, validRecords } from './read-batch';

/** The full-size demo batch: volume, randomisation balance, and planted effects visible in the data. */

let root: string;
let batch: DemoBatch;
let files: Record<DatasetName, CsvFile>;
const valid = <D extends DatasetName>(dataset: D) => validRecords(batch, files, dataset);

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'demo-large-'));
  batch = await generateDemoBatch(demoBatchDefaults({ outDir: root, customers: 10_000 }));
  files = readBatch(batch, root);
}, 60_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('a 10,000-customer demo batch', () => {
  it('has at least 300,000 transaction lines and about 2% returns', () => {
    expect(batch.stats.transactionLines).toBeGreaterThanOrEqual(300_000);
    const returns = valid('transactions').filter((t) => Number(t.quantity) < 0).length;
    expect(returns / batch.stats.transactionLines).toBeGreaterThan(0.01);
    expect(returns / batch.stats.transactionLines).toBeLessThan(0.03);
  });

  it('holds out 20% ± 2 points of the customers who could be contacted, in each campaign', () => {
    const customers = new Map(valid('customers').map((c) => [c.customer_id, c]));
    const contacts = valid('contacts');
    for (const campaign of new Set(contacts.map((c) => c.campaign_id))) {
      const own = contacts.filter((c) => c.campaign_id === campaign);
      const channels = new Set(own.filter((c) => c.group === 'treatment').map((c) => c.channel_id));
      const eligible = own.filter((c) =>
        [...channels].some((ch) => consents(customers.get(c.customer_id), ch)),
      );
      const control = eligible.filter((c) => c.group === 'control').length / eligible.length;
      expect(control, campaign).toBeGreaterThan(0.18);
      expect(control, campaign).toBeLessThan(0.22);
    }
  });

  it('shows the busiest month in December and the busiest weekday on Saturday', () => {
    const perMonth = new Map<string, number>();
    const perWeekday = [0, 0, 0, 0, 0, 0, 0];
    for (const t of valid('transactions')) {
      perMonth.set(t.ts.slice(0, 7), (perMonth.get(t.ts.slice(0, 7)) ?? 0) + 1);
      const weekday = (day(t.ts) + 4) % 7; // 1970-01-01 was a Thursday; 0 = Sunday
      perWeekday[weekday] = (perWeekday[weekday] ?? 0) + 1;
    }
    const busiestMonth = [...perMonth].sort((a, b) => b[1] - a[1])[0]?.[0];
    expect(busiestMonth?.slice(5)).toBe('12');
    expect(perWeekday.indexOf(Math.max(...perWeekday))).toBe(6);
  });

  it('lets lapsing customers respond to the win-back offer far more than the control group does', () => {
    const visits = new Map<string, number[]>();
    for (const t of valid('transactions')) {
      if (Number(t.quantity) <= 0) continue;
      const list = visits.get(t.customer_id) ?? [];
      list.push(seconds(t.ts));
      visits.set(t.customer_id, list);
    }
    const converted = new Set(
      valid('responses')
        .filter((r) => r.converted_at !== '')
        .map((r) => r.contact_id),
    );
    const rate = { winBack: [0, 0], control: [0, 0] };
    for (const c of valid('contacts')) {
      const sent = seconds(c.sent_at);
      const before = (visits.get(c.customer_id) ?? []).filter((ts) => ts < sent);
      if (before.length === 0) continue;
      const recencyDays = (sent - Math.max(...before)) / 86_400;
      if (recencyDays < 45 || recencyDays > 180) continue;
      const arm = c.group === 'control' ? rate.control : c.offer_id === 'O-WINBACK15' ? rate.winBack : null;
      if (!arm) continue;
      arm[0] = (arm[0] ?? 0) + 1;
      arm[1] = (arm[1] ?? 0) + (converted.has(c.contact_id) ? 1 : 0);
    }
    const share = ([n, k]: number[]) => (k ?? 0) / (n ?? 1);
    expect(rate.winBack[0]).toBeGreaterThan(200);
    expect(rate.control[0]).toBeGreaterThan(200);
    expect(share(rate.winBack) - share(rate.control)).toBeGreaterThan(0.05);
  });
});
