import { describe, expect, it } from 'vitest';
import { nextBestProducts } from '#shared/domain/cross-sell/next-best-product';
import { unbundledPairs } from '#shared/domain/cross-sell/offer-suggestions';
import type { ProductPair } from '#shared/domain/cross-sell/product-pairs';

const pair = (
  productA: string,
  productB: string,
  together: number,
  lift: number,
  ab: number,
  ba: number,
): ProductPair => ({
  productA,
  productB,
  labelA: productA,
  labelB: productB,
  together,
  lift,
  confidenceAToB: ab,
  confidenceBToA: ba,
});

const PAIRS = [
  pair('bread', 'butter', 400, 3.2, 0.4, 0.5),
  pair('bread', 'jam', 150, 2.1, 0.15, 0.6),
  pair('chips', 'cola', 300, 2.8, 0.35, 0.3),
  pair('bread', 'soap', 40, 0.7, 0.04, 0.2),
];

describe('nextBestProducts', () => {
  it('offers the partner most often bought with what the customer buys, never what they already buy', () => {
    const best = nextBestProducts(
      PAIRS,
      new Map([
        ['bread-only', new Set(['bread'])],
        ['bread-and-butter', new Set(['bread', 'butter'])],
        ['jam-eater', new Set(['jam'])],
        ['stranger', new Set(['tea'])],
      ]),
    );
    expect(best.get('bread-only')).toEqual({
      product: 'butter',
      because: 'bread',
      confidence: 0.4,
      lift: 3.2,
    });
    expect(best.get('bread-and-butter')?.product).toBe('jam');
    // From jam the way back to bread is strong (0.6).
    expect(best.get('jam-eater')).toMatchObject({ product: 'bread', because: 'jam', confidence: 0.6 });
    expect(best.has('stranger')).toBe(false);
  });

  it('ignores pairs bought together less often than chance', () => {
    const best = nextBestProducts(PAIRS, new Map([['soap-buyer', new Set(['soap'])]]));
    expect(best.has('soap-buyer')).toBe(false);
  });
});

describe('unbundledPairs', () => {
  it('lists the strongest pairs no bundle-like offer covers, by lift × receipts', () => {
    const offers = [
      { offerId: 'O-CHIPS', kind: 'bundle', targetProductId: 'chips' },
      { offerId: 'O-JAM', kind: 'percent_off', targetProductId: 'jam' },
    ];
    expect(unbundledPairs(PAIRS, offers, 10).map((s) => `${s.productA}+${s.productB}`)).toEqual([
      'bread+butter', // 3.2 × 400
      'bread+jam', // a discount on jam is not a bundle
    ]);
    expect(unbundledPairs(PAIRS, offers, 1)).toHaveLength(1);
  });
});
