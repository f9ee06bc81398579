import { describe, expect, it } from 'vitest';
import { discountResponse, type LoggedResponse } from '#shared/domain/planning/discount-response';

const rows = (
  segment: string,
  discountPct: number | null,
  n: number,
  conversions: number,
): LoggedResponse[] =>
  Array.from({ length: n }, (_, i) => ({ segment, discountPct, converted: i < conversions }));

describe('discountResponse', () => {
  it('gives each level its rate and uplift over the segment control, with a slope per discount point', () => {
    const [loyal] = discountResponse([
      ...rows('Loyal', null, 100, 10),
      ...rows('Loyal', 10, 100, 20),
      ...rows('Loyal', 20, 100, 30),
    ]);
    expect(loyal).toMatchObject({ segment: 'Loyal', baseline: 'control', controls: 100, controlRate: 0.1 });
    expect(loyal?.levels.map((l) => [l.discountPct, l.contacts, l.conversionRate])).toEqual([
      [10, 100, 0.2],
      [20, 100, 0.3],
    ]);
    expect(loyal?.levels[0]?.uplift).toBeCloseTo(0.1, 12);
    // 1.96 × sqrt(0.2·0.8/100 + 0.1·0.9/100) = 1.96 × 0.05
    expect(loyal?.levels[0]?.upliftHigh).toBeCloseTo(0.1 + 0.098, 12);
    expect(loyal?.levels[0]?.upliftLow).toBeCloseTo(0.1 - 0.098, 12);
    // Uplift rises 0.1 per 10 points.
    expect(loyal?.upliftPerDiscountPoint).toBeCloseTo(0.01, 12);
  });

  it('keeps segments apart, sorted, and gives no slope with one level', () => {
    const out = discountResponse([
      ...rows('New', 15, 10, 1),
      ...rows('At risk', null, 5, 0),
      ...rows('At risk', 5, 5, 1),
    ]);
    expect(out.map((s) => s.segment)).toEqual(['At risk', 'New']);
    expect(out[1]).toMatchObject({
      baseline: 'lowest_level',
      controls: 0,
      controlRate: 0,
      upliftPerDiscountPoint: null,
    });
    expect(out[0]?.levels[0]?.uplift).toBeCloseTo(0.2, 12);
  });

  it('measures uplift over the lowest level where a segment has no control, with the same slope', () => {
    const [loyal] = discountResponse([...rows('Loyal', 10, 100, 20), ...rows('Loyal', 20, 100, 30)]);
    expect(loyal?.baseline).toBe('lowest_level');
    expect(loyal?.levels[0]).toMatchObject({ uplift: 0, upliftLow: 0, upliftHigh: 0 });
    expect(loyal?.levels[1]?.uplift).toBeCloseTo(0.1, 12);
    // 1.96 × sqrt(0.3·0.7/100 + 0.2·0.8/100)
    expect(loyal?.levels[1]?.upliftHigh).toBeCloseTo(0.1 + 1.96 * Math.sqrt(0.0037), 12);
    expect(loyal?.upliftPerDiscountPoint).toBeCloseTo(0.01, 12);
  });

  it('returns nothing for an empty history', () => {
    expect(discountResponse([])).toEqual([]);
  });
});
