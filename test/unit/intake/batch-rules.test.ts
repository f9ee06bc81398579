import { describe, expect, it } from 'vitest';
import { BatchRules } from '#shared/domain/intake/batch-rules';
import { LOCAL_TIME_TOLERANCE_MILLIS } from '#shared/domain/intake/event-times';
import { ExceptionTally } from '#shared/domain/intake/exception-tally';
import { HashedKeySet, HashedMinMap } from '#shared/domain/intake/hashed-keys';
import { ReturnMatcher } from '#shared/domain/intake/return-matcher';

const RECEIVED = Date.UTC(2026, 1, 28, 7);

describe('HashedKeySet', () => {
  it('answers like a Set<string> over a million keys, growing as it goes', () => {
    const keys = new HashedKeySet();
    const exact = new Set<string>();
    for (let i = 0; i < 1_000_000; i++) {
      const key = `L${(i * 7919) % 1_500_000}`;
      expect(keys.add(key)).toBe(!exact.has(key));
      exact.add(key);
    }
    expect(keys.size).toBe(exact.size);
    for (let i = 0; i < 2_000_000; i += 997) expect(keys.has(`L${i}`)).toBe(exact.has(`L${i}`));
  });

  it('tells apart keys that differ only in order, case or a trailing character', () => {
    const keys = new HashedKeySet();
    for (const k of ['ab', 'ba', 'AB', 'ab ', '', 'a\u0000b', 'é']) expect(keys.add(k)).toBe(true);
    expect(keys.has('a')).toBe(false);
    expect(keys.size).toBe(7);
  });
});

describe('HashedMinMap', () => {
  it('keeps the smallest value per key, through growth', () => {
    const map = new HashedMinMap();
    for (let i = 0; i < 50_000; i++) {
      map.keepMin(`k${i % 5_000}`, 100 - (i % 7));
      map.keepMin(`k${i % 5_000}`, 1_000 + i);
    }
    expect(map.get('k0')).toBe(94);
    expect(map.get('k4999')).toBe(94);
    expect(map.get('k5000')).toBeUndefined();
    expect(map.size).toBe(5_000);
  });
});

describe('event times', () => {
  const rules = () => new BatchRules({ receivedAt: RECEIVED });
  const rulesOf = (issues: readonly { rule: string; column: string }[]) =>
    issues.map((i) => `${i.column}:${i.rule}`);

  it('refuses a transaction later than the batch beyond the local-time tolerance, not within it', () => {
    const r = rules();
    expect(rulesOf(r.check('transactions', { ts: RECEIVED + LOCAL_TIME_TOLERANCE_MILLIS }))).toEqual([]);
    expect(rulesOf(r.check('transactions', { ts: RECEIVED + LOCAL_TIME_TOLERANCE_MILLIS + 1 }))).toEqual([
      'ts:future_timestamp',
    ]);
    expect(rulesOf(r.check('transactions', { ts: -1 }))).toEqual(['ts:before_1970']);
  });

  it('checks every event column of a dataset, dates included, and nothing else', () => {
    const r = rules();
    const later = RECEIVED + 2 * 86_400_000;
    r.accept('contacts', { contact_id: 'K1' }, 2);
    expect(
      rulesOf(
        r.check('responses', { contact_id: 'K1', opened_at: later, clicked_at: null, converted_at: later }),
      ),
    ).toEqual(['opened_at:future_timestamp', 'converted_at:future_timestamp']);
    expect(rulesOf(r.check('contacts', { sent_at: later }))).toEqual(['sent_at:future_timestamp']);
    expect(rulesOf(r.check('customers', { customer_id: 'C1', signup_date: '2026-03-02' }))).toEqual([
      'signup_date:future_timestamp',
    ]);
    // The day of receipt is not the future; at 07:00 UTC it is not yet the next day anywhere.
    expect(rulesOf(r.check('customers', { customer_id: 'C2', signup_date: '2026-02-28' }))).toEqual([]);
    expect(rulesOf(r.check('customers', { customer_id: 'C3', signup_date: '2026-03-01' }))).toEqual([
      'signup_date:future_timestamp',
    ]);
    // An offer valid until next year is planned, not an event.
    expect(rulesOf(r.check('offers', { offer_id: 'O1', valid_to: '2027-12-31' }))).toEqual([]);
  });

  it('says when the batch was received in the message', () => {
    const [issue] = rules().check('transactions', { ts: RECEIVED + 86_400_000 });
    expect(issue?.message).toContain('2026-02-28T07:00:00.000Z');
  });
});

describe('returns without a matching purchase', () => {
  const line = (customer: string | null, product: string, quantity: number, day: number) => ({
    customer_id: customer,
    product_id: product,
    quantity,
    ts: Date.UTC(2026, 0, day),
  });

  it('flags a return with no purchase, or only a later one, whatever the file order', () => {
    const matcher = new ReturnMatcher();
    matcher.observe(line('C1', 'P1', -1, 10), 2); // bought on day 5, below: matched
    matcher.observe(line('C1', 'P1', 2, 5), 3);
    matcher.observe(line('C1', 'P2', -1, 10), 4); // never bought
    matcher.observe(line('C2', 'P1', -2, 3), 5); // bought only afterwards
    matcher.observe(line('C2', 'P1', 1, 20), 6);
    matcher.observe(line(null, 'P9', -1, 1), 7); // a guest: nobody to match
    matcher.observe(line('C3', 'P3', -1, 8), 8); // bought the same moment: matched
    matcher.observe(line('C3', 'P3', 1, 8), 9);
    const flagged = [...matcher.unmatched('t.csv')];
    expect(flagged.map((f) => f.line)).toEqual([4, 5]);
    expect(flagged[0]?.issues).toEqual([
      {
        column: 'quantity',
        value: '-1',
        rule: 'return_without_purchase',
        message: 'customer C1 returns product P2 but has no purchase of it in this batch',
      },
    ]);
    expect(flagged[1]?.issues[0]?.message).toBe(
      'customer C2 returns product P1 before first buying it in this batch',
    );
    // Listed once: the matcher forgets what it handed over.
    expect([...matcher.unmatched('t.csv')]).toEqual([]);
  });

  it('is judged by the batch rules for transactions only, on accepted rows', () => {
    const rules = new BatchRules({ receivedAt: RECEIVED });
    rules.accept('transactions', { line_id: 'L1', ...line('C1', 'P1', -1, 2) }, 2);
    expect([...rules.flagged('customers', 't.csv')]).toEqual([]);
    expect([...rules.flagged('transactions', 't.csv')].map((f) => f.line)).toEqual([2]);
  });
});

describe('ExceptionTally', () => {
  it('counts each rule and column once per row, most frequent first, with the first line', () => {
    const tally = new ExceptionTally();
    const issue = (rule: string, column: string) => ({ rule, column, value: null, message: '' });
    tally.add('rejected', [issue('iso_date', 'ts'), issue('required', 'product_id')], 4);
    tally.add('rejected', [issue('required', 'product_id')], 9);
    tally.add('flagged', [issue('return_without_purchase', 'quantity')], 2);
    expect(tally.list()).toEqual([
      { rule: 'required', column: 'product_id', outcome: 'rejected', rows: 2, firstLine: 4 },
      { rule: 'return_without_purchase', column: 'quantity', outcome: 'flagged', rows: 1, firstLine: 2 },
      { rule: 'iso_date', column: 'ts', outcome: 'rejected', rows: 1, firstLine: 4 },
    ]);
    expect(tally.list(1)).toHaveLength(1);
  });
});
