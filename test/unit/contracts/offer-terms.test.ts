import { describe, expect, it } from 'vitest';
import { offersContract } from '#shared/domain/contracts/datasets';
import { isEligible, parseDiscountLevels, parseEligibility } from '#shared/domain/contracts/offer-terms';

/** The intake parse of one offers cell. */
const cell = (column: string, raw: string) =>
  offersContract.cellParsers.find((p) => p.name === column)?.parse(raw);

const facts = { recencyDays: 60, frequency365: 4, monetary365: 250, tenureDays: 400 };

describe('offer eligibility', () => {
  it('admits a customer who meets every rule, and only such a customer', () => {
    expect(isEligible(null, facts)).toBe(true);
    expect(isEligible({ min_recency_days: 45, max_recency_days: 180 }, facts)).toBe(true);
    expect(isEligible({ min_recency_days: 61 }, facts)).toBe(false);
    expect(isEligible({ max_frequency_365: 3 }, facts)).toBe(false);
    expect(isEligible({ min_monetary_365: 250, min_tenure_days: 400 }, facts)).toBe(true);
    expect(isEligible({ max_tenure_days: 399 }, facts)).toBe(false);
  });

  it('keeps customers who never bought out of offers bounded by recency', () => {
    const never = { ...facts, recencyDays: null };
    expect(isEligible({ max_recency_days: 30 }, never)).toBe(false);
    expect(isEligible({ min_recency_days: 30 }, never)).toBe(false);
    expect(isEligible({ min_tenure_days: 10 }, never)).toBe(true);
  });

  it('refuses a rule it does not know, naming the ones it does', () => {
    expect(parseEligibility('{"min_recency_days":45}')).toEqual({ min_recency_days: 45 });
    expect(parseEligibility('{"vip_only":true}')).toMatch(
      /knows no rule vip_only; the rules are min_recency_days/,
    );
    expect(parseEligibility('{"min_recency_days":"soon"}')).toMatch(/^min_recency_days /);
  });

  it('is checked at intake: an unknown rule refuses the cell under the eligibility rule', () => {
    expect(cell('eligibility', '{"segment":"gold"}')).toMatchObject({ rule: 'eligibility' });
    expect(cell('eligibility', '[1]')).toMatchObject({ rule: 'json_object' });
  });
});

describe('discount levels', () => {
  it('reads percents separated by semicolons, sorted and without repeats', () => {
    expect(parseDiscountLevels('15; 5;10;5')).toEqual([5, 10, 15]);
    expect(parseDiscountLevels('12.5')).toEqual([12.5]);
  });

  it('says what is wrong with a level', () => {
    expect(parseDiscountLevels('5,10')).toMatch(/separated by ';'.*found '5,10'/);
    expect(parseDiscountLevels('5;;10')).toMatch(/found ''/);
    expect(parseDiscountLevels('5;120')).toMatch(/found '120'/);
    expect(cell('discount_levels', '5;x')).toMatchObject({ rule: 'discount_levels' });
    expect(cell('discount_levels', '10;5')).toBe('5;10');
  });
});
