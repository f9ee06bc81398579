import { describe, expect, it } from 'vitest';
import { datasetFreshness, freshness } from '#shared/domain/quality/freshness';
import { col, profileOf, utc } from './fixtures';

const transactions = profileOf(
  'transactions',
  [col('ts', 'timestamp'), col('quantity', 'int')],
  [
    { ts: utc(2026, 2, 20, 10), quantity: 1 },
    { ts: utc(2026, 2, 27, 10), quantity: 2 },
    { ts: null, quantity: 3 },
  ],
);
const customers = profileOf(
  'customers',
  [col('signup_date', 'date')],
  [{ signup_date: '2026-01-15' }, { signup_date: '2026-02-01' }],
);
const responses = profileOf('responses', [col('converted_at', 'timestamp')], [{ converted_at: null }]);
const products = profileOf('products', [col('price', 'double')], [{ price: 1 }]);
const contacts = profileOf('contacts', [col('campaign_id', 'string')], [{ campaign_id: 'c1' }]);
const all = [transactions, customers, responses, products, contacts];
const receivedAt = new Date('2026-03-02T08:00:00Z');

function verdicts(asOf: string, options?: Parameters<typeof freshness>[3]) {
  return Object.fromEntries(freshness(all, asOf, receivedAt, options).map((f) => [f.dataset, f.verdict]));
}

describe('freshness', () => {
  it('measures the latest value against as-of and receipt in calendar days', () => {
    const [tx] = freshness([transactions], '2026-03-01', receivedAt);
    // 2026-02-27 → 2026-03-01 is 2 days (February 2026 has 28); → 2026-03-02 is 3
    expect(tx).toEqual({
      dataset: 'transactions',
      column: 'ts',
      latest: '2026-02-27T10:00:00',
      daysBeforeAsOf: 2,
      daysBeforeReceipt: 3,
      staleAfterDays: 7,
      verdict: 'fresh',
    });
    expect(datasetFreshness.parse(tx)).toEqual(tx);
  });

  it('covers only datasets that have their dating column', () => {
    expect(freshness(all, '2026-03-01', receivedAt).map((f) => [f.dataset, f.column])).toEqual([
      ['transactions', 'ts'],
      ['customers', 'signup_date'],
      ['responses', 'converted_at'],
    ]);
  });

  it('calls transactions stale more than 7 days before as-of', () => {
    expect(verdicts('2026-03-06').transactions).toBe('fresh'); // 7 days
    expect(verdicts('2026-03-07').transactions).toBe('stale'); // 8 days
  });

  it('gives sign-ups a month by default', () => {
    expect(verdicts('2026-03-03').customers).toBe('fresh'); // 30 days after 2026-02-01
    expect(verdicts('2026-03-04').customers).toBe('stale'); // 31 days
  });

  it('takes the threshold as a parameter, for all datasets or per dataset', () => {
    expect(verdicts('2026-03-10').transactions).toBe('stale'); // 11 days
    expect(verdicts('2026-03-10', { staleAfterDays: 14 }).transactions).toBe('fresh');
    // 4 and 30 days: only transactions get the tighter limit, customers keep their month
    expect(verdicts('2026-03-03', { staleAfterDays: { transactions: 3 } })).toMatchObject({
      transactions: 'stale',
      customers: 'fresh',
    });
    const [tx] = freshness([transactions], '2026-03-10', receivedAt, {
      staleAfterDays: { transactions: 12 },
    });
    expect(tx).toMatchObject({ staleAfterDays: 12, verdict: 'fresh', daysBeforeAsOf: 11 });
  });

  it('flags data on or after the as-of day', () => {
    const [tx] = freshness([transactions], '2026-02-27', receivedAt);
    expect(tx).toMatchObject({ verdict: 'after_cutoff', daysBeforeAsOf: 0 });
    const [early] = freshness([transactions], '2026-02-25', receivedAt);
    expect(early).toMatchObject({ verdict: 'after_cutoff', daysBeforeAsOf: -2 });
  });

  it('calls a column without values empty', () => {
    expect(freshness([responses], '2026-03-01', receivedAt)).toEqual([
      {
        dataset: 'responses',
        column: 'converted_at',
        latest: null,
        daysBeforeAsOf: null,
        daysBeforeReceipt: null,
        staleAfterDays: 90,
        verdict: 'empty',
      },
    ]);
  });

  it('lets the dating column be chosen', () => {
    const [p] = freshness([contacts, transactions], '2026-03-01', receivedAt, {
      columns: { transactions: 'ts' },
    });
    expect(p?.dataset).toBe('transactions');
  });

  it('refuses an as-of that is not a date', () => {
    expect(() => freshness(all, '01/03/2026', receivedAt)).toThrow(RangeError);
    expect(() => freshness(all, '2026-03-01', new Date('nonsense'))).toThrow(RangeError);
  });
});
