import { describe, expect, it } from 'vitest';
import type { AnyRow } from '#shared/domain/contracts/contract';
import { BatchRules } from '#shared/domain/intake/batch-rules';
import { LOCAL_TIME_TOLERANCE_MILLIS } from '#shared/domain/intake/event-times';
import { ExceptionTally } from '#shared/domain/intake/exception-tally';
import { HashedKeySet, HashedLog, HashedMinMap, hashInto } from '#shared/domain/intake/hashed-keys';
import { type FlaggedRow, ReturnMatcher } from '#shared/domain/intake/return-matcher';

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

describe('HashedLog', () => {
  it('hands back every hash and number in the order added, across chunks', () => {
    const log = new HashedLog();
    const n = 150_000;
    for (let i = 0; i < n; i++) log.add(`C${i % 1_000}`, i, i % 2 === 0 ? `P${i}` : undefined);
    expect(log.size).toBe(n);
    const expected = new Uint32Array(2);
    let seen = 0;
    log.scan((hi, lo, value) => {
      const i = seen;
      hashInto(`C${i % 1_000}`, i % 2 === 0 ? `P${i}` : undefined, expected);
      if (hi !== expected[0] || lo !== expected[1] || value !== i) throw new Error(`entry ${i} differs`);
      seen += 1;
    });
    expect(seen).toBe(n);
  });

  it('lowers only the values of hashes a HashedMinMap already holds', () => {
    const map = new HashedMinMap();
    map.keepMin('C1', 50, 'P1');
    const hash = new Uint32Array(2);
    hashInto('C1', 'P1', hash);
    map.lowerIfPresent(hash[0] as number, hash[1] as number, 40);
    map.lowerIfPresent(hash[0] as number, hash[1] as number, 45);
    hashInto('C2', 'P1', hash);
    map.lowerIfPresent(hash[0] as number, hash[1] as number, 1);
    expect(map.get('C1', 'P1')).toBe(40);
    expect(map.get('C2', 'P1')).toBeUndefined();
    expect(map.size).toBe(1);
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

  /** The matcher as it was before purchases were logged: a map of each pair's first purchase. */
  class MapMatcher {
    private readonly firstPurchase = new HashedMinMap();
    private returns: { row: AnyRow; line: number }[] = [];
    observe(row: AnyRow, line: number): void {
      const { customer_id: customer, product_id: product, quantity, ts } = row;
      if (typeof customer !== 'string' || typeof product !== 'string') return;
      if (typeof quantity !== 'number' || typeof ts !== 'number') return;
      if (quantity > 0) this.firstPurchase.keepMin(customer, ts, product);
      else this.returns.push({ row, line });
    }
    *unmatched(file: string): Generator<FlaggedRow> {
      for (const { row, line } of this.returns) {
        const customer = row.customer_id as string;
        const product = row.product_id as string;
        const bought = this.firstPurchase.get(customer, product);
        if (bought !== undefined && bought <= (row.ts as number)) continue;
        yield {
          file,
          line,
          issues: [
            {
              column: 'quantity',
              value: String(row.quantity),
              rule: 'return_without_purchase',
              message:
                bought === undefined
                  ? `customer ${customer} returns product ${product} but has no purchase of it in this batch`
                  : `customer ${customer} returns product ${product} before first buying it in this batch`,
            },
          ],
        };
      }
      this.returns = [];
    }
  }

  it('flags exactly the returns a map of first purchases flags, file after file', () => {
    let state = 17;
    const next = (n: number) => {
      state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
      return state % n;
    };
    const logged = new ReturnMatcher();
    const mapped = new MapMatcher();
    for (const file of ['a.csv', 'b.csv']) {
      for (let at = 2; at < 60_000; at++) {
        const quantity = next(30) === 0 ? -1 - next(3) : 1 + next(4);
        const row =
          at % 997 === 0
            ? line(null, 'P1', -1, 1)
            : line(`C${next(2_000)}`, `P${next(50)}`, quantity, 1 + next(300));
        logged.observe(row, at);
        mapped.observe(row, at);
      }
      const flagged = [...logged.unmatched(file)];
      expect(flagged.length).toBeGreaterThan(100);
      expect(flagged).toEqual([...mapped.unmatched(file)]);
    }
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
