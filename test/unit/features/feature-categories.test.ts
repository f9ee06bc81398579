import { describe, expect, it } from 'vitest';
import { chooseFeatureCategories } from '#shared/domain/features/feature-categories';

const RANKED = ['Dairy', 'Bakery', 'Meat', 'Wine', 'Deli'];

describe('chooseFeatureCategories', () => {
  it("takes the batch's top categories when the partner has no champion, or one that records none", () => {
    expect(chooseFeatureCategories(RANKED, 3, undefined)).toEqual({
      source: 'batch',
      categories: ['Dairy', 'Bakery', 'Meat'],
      reason: 'the partner has no response champion',
    });
    expect(chooseFeatureCategories(RANKED, 3, { version: 'run-0' })).toEqual({
      source: 'batch',
      categories: ['Dairy', 'Bakery', 'Meat'],
      reason: 'the response champion run-0 does not record its categories',
    });
  });

  it("keeps the champion's categories, in its order, while the batch sells all of them", () => {
    // Wine overtook Meat in this batch: the champion's list stands all the same.
    const choice = chooseFeatureCategories(['Dairy', 'Wine', 'Bakery', 'Meat', 'Deli'], 3, {
      version: 'run-a',
      categories: ['Dairy', 'Bakery', 'Meat'],
    });
    expect(choice).toEqual({
      source: 'champion',
      categories: ['Dairy', 'Bakery', 'Meat'],
      champion: 'run-a',
    });
  });

  it('falls back to the batch, naming what is missing, when the champion reads a category it did not sell', () => {
    const choice = chooseFeatureCategories(RANKED, 2, { version: 'run-a', categories: ['Dairy', 'Garden'] });
    expect(choice).toEqual({
      source: 'batch',
      categories: ['Dairy', 'Bakery'],
      reason:
        'the response champion run-a reads categories this batch did not sell before the cut-off: Garden',
    });
  });
});
