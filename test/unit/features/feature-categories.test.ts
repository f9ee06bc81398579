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

  it('falls back to the batch, naming what fell, when a champion category left the top twice as many', () => {
    // Two chosen: a champion category must rank in the top 4. Deli is 5th, Garden is not sold.
    const choice = chooseFeatureCategories(RANKED, 2, {
      version: 'run-a',
      categories: ['Dairy', 'Deli', 'Garden'],
    });
    expect(choice).toEqual({
      source: 'batch',
      categories: ['Dairy', 'Bakery'],
      reason:
        "the response champion run-a reads categories no longer among this batch's top 4 by revenue: Deli, Garden",
    });
    expect(
      chooseFeatureCategories(RANKED, 2, { version: 'run-a', categories: ['Wine', 'Dairy'] }),
    ).toMatchObject({
      source: 'champion',
      categories: ['Wine', 'Dairy'],
    });
  });

  it('adds the categories the offers target, whatever their revenue', () => {
    // Deli ranks 5th, Garden sells nothing yet: an offer on either still needs its share.
    expect(chooseFeatureCategories(RANKED, 2, undefined, ['Deli', 'Dairy', 'Garden'])).toEqual({
      source: 'batch',
      categories: ['Dairy', 'Bakery', 'Deli', 'Garden'],
      reason: 'the partner has no response champion',
    });
  });

  it('keeps a champion that reads every targeted category, even one outside the top twice as many', () => {
    expect(
      chooseFeatureCategories(RANKED, 2, { version: 'run-a', categories: ['Dairy', 'Bakery', 'Garden'] }, [
        'Garden',
      ]),
    ).toEqual({ source: 'champion', categories: ['Dairy', 'Bakery', 'Garden'], champion: 'run-a' });
  });

  it('falls back to the batch, naming them, when the champion does not read a targeted category', () => {
    expect(
      chooseFeatureCategories(RANKED, 2, { version: 'run-a', categories: ['Dairy', 'Bakery'] }, [
        'Deli',
        'Dairy',
      ]),
    ).toEqual({
      source: 'batch',
      categories: ['Dairy', 'Bakery', 'Deli'],
      reason:
        "the response champion run-a does not read the share of categories this batch's offers target: Deli",
    });
  });
});
