import { describe, expect, it } from 'vitest';
import type { CatalogOffer } from '#shared/domain/catalog/campaign-catalog';
import { levelInput, scoredActions, withLevelColumn } from '#shared/domain/planning/scored-actions';

const offer = (offerId: string, discountPct: number, discountLevels: number[]): CatalogOffer => ({
  offerId,
  name: offerId,
  kind: 'percent_off',
  targetCategory: null,
  targetProductId: null,
  discountPct,
  discountLevels,
  eligibility: null,
  validFrom: '2026-01-01',
  validTo: '2026-12-31',
  maxVolume: null,
  valuePerResponse: 40,
  marginRate: 0.3,
  historicalConversions: 10,
});

describe('scoredActions', () => {
  const offers = [offer('O-PCT', 10, [5, 10, 15]), offer('O-NEW', 20, [20, 30])];

  it('scores each arm at every allowed level the history tried, on the head of its arm', () => {
    const actions = scoredActions(
      [
        { offerId: 'O-PCT', channelId: 'email' },
        { offerId: 'O-PCT', channelId: 'sms' },
      ],
      offers,
      new Map([['O-PCT', new Set([15, 5, 12])]]),
    );
    expect(actions.map((a) => [a.actionId, a.arm])).toEqual([
      ['O-PCT|email|5', 1],
      ['O-PCT|email|15', 1],
      ['O-PCT|sms|5', 2],
      ['O-PCT|sms|15', 2],
    ]);
  });

  it("falls back to the offer's allowed levels when the history tried none of them", () => {
    const actions = scoredActions([{ offerId: 'O-NEW', channelId: 'push' }], offers, new Map());
    expect(actions.map((a) => a.discountPct)).toEqual([20, 30]);
  });

  it('leaves out an arm whose offer the catalog no longer holds, keeping the other heads numbered', () => {
    const actions = scoredActions(
      [
        { offerId: 'O-GONE', channelId: 'email' },
        { offerId: 'O-NEW', channelId: 'email' },
      ],
      offers,
      new Map([['O-NEW', new Set([30])]]),
    );
    expect(actions).toEqual([
      { actionId: 'O-NEW|email|30', offerId: 'O-NEW', channelId: 'email', discountPct: 30, arm: 2 },
    ]);
  });
});

describe('withLevelColumn', () => {
  it('appends the level after each row, one value for all rows or one per row', () => {
    const features = Float32Array.from([1, 2, 3, 4]);
    expect([...withLevelColumn(features, 2, 2, levelInput(25))]).toEqual([1, 2, 0.25, 3, 4, 0.25]);
    expect([...withLevelColumn(features, 2, 2, [0, 0.5])]).toEqual([1, 2, 0, 3, 4, 0.5]);
  });
});
