import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DemoBatch,
  demoBatchDefaults,
  generateDemoBatch,
} from '../../../shared/demo/generate-demo-batch';
import {
  CONVERSION_WINDOW_DAYS,
  PERSUADABLE_UPLIFT,
  QUALIFYING_BASKET_CENTS,
  SURE_THING_P_CONTROL,
} from '../../../shared/demo/response-model';
import { ruleOfIssue } from '../../../shared/domain/contracts/column';
import {
  CONTACT_CHANNELS,
  contractFor,
  DATASET_NAMES,
  type DatasetName,
} from '../../../shared/domain/contracts/datasets';
import { manifest } from '../../../shared/domain/contracts/manifest';
import { type CsvFile, consents, day, fileText, readBatch, seconds, validRecords } from './read-batch';

const CUSTOMERS = 1000;
const ASOF = '2026-11-01';
const MONTHS = 18;

let root: string;
let batch: DemoBatch;
let files: Record<DatasetName, CsvFile>;

function options(name: string, overrides: Parameters<typeof demoBatchDefaults>[0] = {}) {
  return demoBatchDefaults({
    outDir: join(root, name),
    customers: CUSTOMERS,
    asOf: ASOF,
    months: MONTHS,
    ...overrides,
  });
}

const valid = <D extends DatasetName>(dataset: D) => validRecords(batch, files, dataset);
const cents = (money: string) => Math.round(Number(money) * 100);
const byKey = <T extends { dataset: string; line: number; column: string; rule: string }>(rows: T[]) =>
  rows.map((r) => `${r.dataset}:${r.line}:${r.column}:${r.rule}`).sort();

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'demo-batch-'));
  batch = await generateDemoBatch(options('a'));
  files = readBatch(batch, join(root, 'a'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('generateDemoBatch files and manifest', () => {
  it('writes a manifest that manifest.parse accepts, with row counts and checksums of the files as written', () => {
    const onDisk = manifest.parse(JSON.parse(readFileSync(batch.manifestPath, 'utf8')));
    expect(onDisk).toEqual(batch.manifest);
    expect(onDisk.files.map((f) => f.dataset)).toEqual(DATASET_NAMES);
    expect(onDisk).toMatchObject({ partner: 'demo-retail', batchId: ASOF, asOf: ASOF });
    expect(onDisk.createdAt?.startsWith(ASOF)).toBe(true);
    for (const f of onDisk.files) {
      const bytes = readFileSync(join(root, 'a', f.key));
      expect(f.key).toBe(`${f.dataset}.csv.gz`);
      expect(f.compression).toBe('gzip');
      expect(f.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(f.rows).toBe(files[f.dataset].records.length);
      const reported = batch.files.find((x) => x.dataset === f.dataset);
      expect(reported?.bytes).toBe(bytes.length);
      expect(reported?.rows).toBe(f.rows);
    }
    expect(onDisk.files.some((f) => f.key.startsWith('truth'))).toBe(false);
  });

  it('reports stats that agree with the files', () => {
    const rows = (d: DatasetName) => files[d].records.length;
    const receipts = new Set(files.transactions.records.map((r) => r.cells.transaction_id));
    expect(batch.stats).toEqual({
      customers: rows('customers'),
      products: rows('products'),
      transactionLines: rows('transactions'),
      transactions: receipts.size,
      offers: rows('offers'),
      channels: rows('channels'),
      contacts: rows('contacts'),
      responses: rows('responses'),
    });
  });

  it('passes every contract except on exactly the planted bad rows, with their column and rule', () => {
    const failures: { dataset: string; line: number; column: string; rule: string }[] = [];
    for (const dataset of DATASET_NAMES) {
      const contract = contractFor(dataset);
      expect(files[dataset].header).toEqual(contract.columns.map((c) => c.name));
      for (const { line, cells } of files[dataset].records) {
        const result = contract.rowSchema.safeParse(cells);
        if (!result.success) {
          for (const issue of result.error.issues) {
            failures.push({ dataset, line, column: String(issue.path[0]), rule: ruleOfIssue(issue) });
          }
          continue;
        }
        for (const rule of contract.rowRules) {
          if (!rule.holds(result.data))
            failures.push({ dataset, line, column: rule.column, rule: rule.rule });
        }
      }
    }
    expect(byKey(failures)).toEqual(byKey(batch.plantedBadRows));
    const count = (rule: string) => batch.plantedBadRows.filter((b) => b.rule === rule).length;
    expect([count('minimum'), count('iso_timestamp'), count('boolean')]).toEqual([5, 3, 2]);
  });

  it('refuses options it cannot honour before writing anything', async () => {
    const attempt = (overrides: Parameters<typeof demoBatchDefaults>[0]) =>
      generateDemoBatch(options('refused', overrides));
    await expect(attempt({ months: 5 })).rejects.toThrow(/months/);
    await expect(attempt({ customers: 0 })).rejects.toThrow(/customers/);
    await expect(attempt({ customers: 10_000_001 })).rejects.toThrow(/customers/);
    await expect(attempt({ workers: 0 })).rejects.toThrow(/workers/);
    await expect(attempt({ controlShare: 1 })).rejects.toThrow(/controlShare/);
    expect(() => demoBatchDefaults({ asOf: '2026-02-30' })).toThrow(/calendar date/);
    await expect(generateDemoBatch({ ...options('refused'), asOf: '2026-02-30' })).rejects.toThrow(
      /calendar date/,
    );
    await expect(attempt({ partner: 'a/b' })).rejects.toThrow(/partner/);
    await expect(attempt({ campaign: { holdoutFraction: 0.9 } })).rejects.toThrow(/campaign/);
    await expect(attempt({ campaign: { sendDate: '2026-10-01' } })).rejects.toThrow(/sendDate/);
    expect(existsSync(join(root, 'refused'))).toBe(false);
  });

  it('plants nothing when badRows is off', async () => {
    const clean = await generateDemoBatch(options('clean', { badRows: false }));
    expect(clean.plantedBadRows).toEqual([]);
    const rows = (b: DemoBatch, d: string) => b.manifest.files.find((f) => f.dataset === d)?.rows;
    expect(rows(clean, 'customers')).toBe(CUSTOMERS);
    expect(rows(clean, 'transactions')).toBe((rows(batch, 'transactions') ?? 0) - 8);
  });
});

describe('generateDemoBatch without a control group', () => {
  it('treats every contacted customer, contacts nobody no channel may reach, and leaves the rest of the world as it was', async () => {
    const treatedOnly = await generateDemoBatch(options('treated-only', { controlShare: 0 }));
    const own = readBatch(treatedOnly, join(root, 'treated-only'));
    const contacts = validRecords(treatedOnly, own, 'contacts');
    expect(contacts.length).toBeGreaterThan(0);
    expect(contacts.every((c) => c.group === 'treatment')).toBe(true);
    // The same customers, offers and channels; only who was randomized into control changes.
    const sha = (b: DemoBatch, d: DatasetName) => b.manifest.files.find((f) => f.dataset === d)?.sha256;
    for (const d of ['customers', 'offers', 'channels'] as const)
      expect(sha(treatedOnly, d)).toBe(sha(batch, d));
    const treatedBefore = valid('contacts').filter((c) => c.group === 'treatment').length;
    expect(contacts.length).toBeGreaterThan(treatedBefore);
  });
});

describe('generateDemoBatch determinism', () => {
  it('gives byte-identical files for the same seed and different data for another seed', async () => {
    const again = await generateDemoBatch(options('again'));
    const other = await generateDemoBatch(options('other', { seed: 43 }));
    const sha = (b: DemoBatch) => Object.fromEntries(b.manifest.files.map((f) => [f.dataset, f.sha256]));
    expect(sha(again)).toEqual(sha(batch));
    expect(readFileSync(again.truthPath).equals(readFileSync(batch.truthPath))).toBe(true);
    expect(again.plantedBadRows).toEqual(batch.plantedBadRows);
    const differs = DATASET_NAMES.filter((d) => sha(other)[d] !== sha(batch)[d]);
    // Offers and channels are the retailer's fixed set-up; everything simulated depends on the seed.
    expect(differs).toEqual(['customers', 'products', 'transactions', 'contacts', 'responses']);
  });

  it('writes the same CSV text uncompressed when gzip is off', async () => {
    const plain = await generateDemoBatch(options('plain', { gzip: false }));
    for (const f of plain.manifest.files) {
      expect(f.key).toBe(`${f.dataset}.csv`);
      expect(f.compression).toBe('none');
      expect(fileText(join(root, 'plain', f.key))).toBe(fileText(join(root, 'a', `${f.key}.gz`)));
      expect(statSync(join(root, 'plain', f.key)).size).toBe(
        plain.files.find((x) => x.dataset === f.dataset)?.bytes,
      );
    }
  });
});

describe('generateDemoBatch consistency', () => {
  it('keeps ids unique and references intact once the bad rows are dropped', () => {
    const ids = (dataset: DatasetName, column: string) =>
      valid(dataset).map((r) => (r as Record<string, string>)[column]);
    const unique = (values: (string | undefined)[]) => new Set(values).size === values.length;
    for (const [dataset, column] of [
      ['customers', 'customer_id'],
      ['products', 'product_id'],
      ['transactions', 'line_id'],
      ['offers', 'offer_id'],
      ['channels', 'channel_id'],
      ['contacts', 'contact_id'],
      ['responses', 'contact_id'],
    ] as const) {
      expect(unique(ids(dataset, column)), `${dataset}.${column}`).toBe(true);
    }
    const customers = new Set(ids('customers', 'customer_id'));
    const products = new Set(ids('products', 'product_id'));
    const offers = new Set(ids('offers', 'offer_id'));
    const channels = new Set(ids('channels', 'channel_id'));
    const contacts = new Set(ids('contacts', 'contact_id'));
    expect(
      valid('transactions').every((t) => customers.has(t.customer_id) && products.has(t.product_id)),
    ).toBe(true);
    expect(valid('contacts').every((c) => customers.has(c.customer_id))).toBe(true);
    expect(valid('contacts').every((c) => c.offer_id === '' || offers.has(c.offer_id))).toBe(true);
    expect(valid('contacts').every((c) => c.channel_id === '' || channels.has(c.channel_id))).toBe(true);
    expect(valid('responses').every((r) => contacts.has(r.contact_id))).toBe(true);
  });

  it('assigns treatments only on consented channels and holds out customers nobody may contact', () => {
    const customers = new Map(valid('customers').map((c) => [c.customer_id, c]));
    const offers = new Map(valid('offers').map((o) => [o.offer_id, o]));
    for (const c of valid('contacts')) {
      const customer = customers.get(c.customer_id);
      expect((customer?.signup_date ?? '9999') < c.sent_at.slice(0, 10)).toBe(true);
      if (c.group === 'control') {
        expect([c.offer_id, c.channel_id, c.discount_pct]).toEqual(['', '', '']);
        continue;
      }
      expect(consents(customer, c.channel_id)).toBe(true);
      // Sent at one of the offer's levels, randomised like the offer and the channel.
      expect(offers.get(c.offer_id)?.discount_levels.split(';')).toContain(c.discount_pct);
      const offer = offers.get(c.offer_id);
      expect(
        offer && offer.valid_from <= c.sent_at.slice(0, 10) && c.sent_at.slice(0, 10) <= offer.valid_to,
      ).toBe(true);
    }
    const consentsToNothing = valid('customers').filter((c) =>
      CONTACT_CHANNELS.every((ch) => !consents(c, ch)),
    );
    const heldOut = new Set(
      valid('contacts')
        .filter((c) => c.group === 'control')
        .map((c) => c.customer_id),
    );
    const contacted = new Set(valid('contacts').map((c) => c.customer_id));
    expect(
      consentsToNothing.filter((c) => contacted.has(c.customer_id)).every((c) => heldOut.has(c.customer_id)),
    ).toBe(true);
  });

  it('records every conversion as the one qualifying receipt in its window, at converted_at, worth the revenue', () => {
    const receipts = new Map<string, { customer: string; ts: string; gross: number; net: number }>();
    for (const t of valid('transactions')) {
      const r = receipts.get(t.transaction_id) ?? { customer: t.customer_id, ts: t.ts, gross: 0, net: 0 };
      const gross = Number(t.quantity) * cents(t.unit_price);
      r.gross += gross;
      r.net += gross - (t.discount === '' ? 0 : cents(t.discount));
      receipts.set(t.transaction_id, r);
    }
    const qualifying = new Map<string, { ts: string; net: number }[]>();
    for (const r of receipts.values()) {
      if (r.gross < QUALIFYING_BASKET_CENTS) continue;
      const list = qualifying.get(r.customer) ?? [];
      list.push(r);
      qualifying.set(r.customer, list);
    }
    const responses = new Map(valid('responses').map((r) => [r.contact_id, r]));
    let conversions = 0;
    for (const c of valid('contacts')) {
      const start = day(c.sent_at);
      const inWindow = (qualifying.get(c.customer_id) ?? []).filter(
        (r) => day(r.ts) >= start && day(r.ts) < start + CONVERSION_WINDOW_DAYS,
      );
      const response = responses.get(c.contact_id);
      if (!response?.converted_at) {
        expect(inWindow).toEqual([]);
        continue;
      }
      conversions++;
      expect(inWindow.map((r) => [r.ts, r.net])).toEqual([
        [response.converted_at, cents(response.revenue ?? '')],
      ]);
    }
    expect(conversions).toBeGreaterThan(0);
  });

  it('orders send, open, click and conversion in time; control contacts and letters are never opened', () => {
    const contacts = new Map(valid('contacts').map((c) => [c.contact_id, c]));
    for (const r of valid('responses')) {
      const c = contacts.get(r.contact_id);
      if (!c) throw new Error(`response without contact ${r.contact_id}`);
      const times = [c.sent_at, r.opened_at, r.clicked_at, r.converted_at]
        .filter((t) => t !== '')
        .map(seconds);
      expect(times).toEqual([...times].sort((a, b) => a - b));
      if (c.group === 'control' || c.channel_id === 'direct_mail') {
        expect([r.opened_at, r.clicked_at]).toEqual(['', '']);
      }
      if (c.channel_id === 'sms') expect(r.opened_at).toBe('');
      if (r.converted_at !== '') {
        expect(day(r.converted_at) - day(c.sent_at)).toBeLessThan(CONVERSION_WINDOW_DAYS);
      }
      expect(r.opened_at !== '' || r.clicked_at !== '' || r.converted_at !== '').toBe(true);
    }
  });

  it('keeps transactions inside the history and shop hours, and returns after a purchase of the product', () => {
    const asOf = Date.parse(`${ASOF}T00:00:00Z`);
    const start = new Date(asOf);
    start.setUTCMonth(start.getUTCMonth() - MONTHS);
    const bought = new Map<string, { ts: number; quantity: number }[]>();
    const lines = valid('transactions');
    // Violations are collected and compared once: an expect per line would dominate the run time.
    const outside = lines.filter((t) => {
      const ms = seconds(t.ts) * 1000;
      const hour = Number(t.ts.slice(11, 13));
      return ms < start.getTime() || ms >= asOf || hour < 8 || hour > 20;
    });
    expect(outside).toEqual([]);
    for (const t of lines) {
      if (Number(t.quantity) <= 0) continue;
      const key = `${t.customer_id}|${t.product_id}`;
      const list = bought.get(key) ?? [];
      list.push({ ts: seconds(t.ts), quantity: Number(t.quantity) });
      bought.set(key, list);
    }
    const returns = lines.filter((t) => Number(t.quantity) < 0);
    expect(returns.length).toBeGreaterThan(0);
    const orphans = returns.filter(
      (t) =>
        !(bought.get(`${t.customer_id}|${t.product_id}`) ?? []).some(
          (b) => b.ts < seconds(t.ts) && b.quantity >= -Number(t.quantity),
        ),
    );
    expect(orphans).toEqual([]);
  });

  it('plants co-purchase pairs: baskets with bread hold butter and eggs far more often than others do', () => {
    const subcategory = new Map(valid('products').map((p) => [p.product_id, p.subcategory]));
    const baskets = new Map<string, Set<string>>();
    for (const t of valid('transactions')) {
      if (Number(t.quantity) <= 0) continue;
      const set = baskets.get(t.transaction_id) ?? new Set<string>();
      set.add(subcategory.get(t.product_id) ?? '');
      baskets.set(t.transaction_id, set);
    }
    const all = [...baskets.values()];
    const share = (xs: Set<string>[], sub: string) => xs.filter((b) => b.has(sub)).length / xs.length;
    const withBread = all.filter((b) => b.has('bread'));
    const lift = share(withBread, 'butter_eggs') / share(all, 'butter_eggs');
    expect(withBread.length).toBeGreaterThan(100);
    expect(lift).toBeGreaterThan(1.5);
    // An unpaired subcategory shows no such pull.
    expect(share(withBread, 'cleaning') / share(all, 'cleaning')).toBeLessThan(1.3);
  });
});

describe('truth.jsonl', () => {
  interface Truth {
    customer_id: string;
    kind: string;
    p_control: number;
    value_of_response: number;
    arms: Record<string, number>;
  }
  const truth = () =>
    readFileSync(batch.truthPath, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Truth);

  it('describes every valid customer once, with one action per valid offer, level, consented channel and send window', () => {
    const records = truth();
    const customers = new Map(valid('customers').map((c) => [c.customer_id, c]));
    expect(records.map((t) => t.customer_id).sort()).toEqual([...customers.keys()].sort());
    const sendDate = batch.manifest.campaign?.sendDate ?? '';
    const offers = valid('offers').filter((o) => o.valid_from <= sendDate && sendDate <= o.valid_to);
    // Timed sends at 09:00, 12:00 or 18:00 inside the channel's window; letters are not timed.
    const windows = new Map(
      valid('channels').map((c) => [
        c.channel_id,
        c.send_window_start === ''
          ? ['any']
          : ['09:00', '12:00', '18:00'].filter((w) => c.send_window_start <= w && w < c.send_window_end),
      ]),
    );
    const wrong = records.filter((t) => {
      const customer = customers.get(t.customer_id);
      const expected = offers.flatMap((o) =>
        o.discount_levels
          .split(';')
          .flatMap((level) =>
            [...windows]
              .filter(([ch]) => consents(customer, ch))
              .flatMap(([ch, ws]) => ws.map((w) => `${o.offer_id}|${ch}|${level}|${w}`)),
          ),
      );
      const probabilities = [t.p_control, ...Object.values(t.arms)];
      return (
        Object.keys(t.arms).sort().join() !== expected.sort().join() ||
        probabilities.some((p) => !(p >= 0 && p <= 1)) ||
        !(t.value_of_response > 0)
      );
    });
    expect(offers.length).toBeGreaterThan(0);
    expect(wrong).toEqual([]);
  });

  it('has all four kinds, consistent with the numbers, and an arm with positive mean uplift', () => {
    const records = truth();
    const kinds = new Set(records.map((t) => t.kind));
    expect([...kinds].sort()).toEqual(['lost_cause', 'persuadable', 'sleeping_dog', 'sure_thing']);
    const uplifts = (t: Truth) => Object.values(t.arms).map((p) => p - t.p_control);
    // truth.jsonl rounds probabilities to 4 decimals, hence the tolerance.
    const tolerance = 2e-4;
    for (const t of records) {
      const best = Math.max(0, ...uplifts(t));
      if (t.kind === 'sleeping_dog') expect(Math.min(...uplifts(t))).toBeLessThan(0);
      if (t.kind === 'persuadable') expect(best).toBeGreaterThan(PERSUADABLE_UPLIFT - tolerance);
      if (t.kind === 'sure_thing' || t.kind === 'lost_cause') {
        expect(best).toBeLessThan(PERSUADABLE_UPLIFT + tolerance);
        expect(t.p_control >= SURE_THING_P_CONTROL - tolerance).toBe(t.kind === 'sure_thing');
      }
    }
    const perArm = new Map<string, number[]>();
    for (const t of records) {
      for (const [arm, p] of Object.entries(t.arms))
        perArm.set(arm, [...(perArm.get(arm) ?? []), p - t.p_control]);
    }
    const means = [...perArm.values()].map((u) => u.reduce((a, b) => a + b, 0) / u.length);
    expect(Math.max(...means)).toBeGreaterThan(0);
  });
});
