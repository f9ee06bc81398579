import { describe, expect, it } from 'vitest';
import type { CatalogChannel, CatalogOffer } from '#shared/domain/catalog/campaign-catalog';
import { actionEconomics, offerValidOn } from '#shared/domain/planning/action-economics';

const offer: CatalogOffer = {
  offerId: 'o1',
  name: '10% off',
  kind: 'percent_off',
  targetCategory: null,
  targetProductId: null,
  discountPct: 10,
  discountLevels: [10],
  eligibility: null,
  validFrom: '2026-11-01',
  validTo: '2026-11-30',
  maxVolume: null,
  valuePerResponse: 40,
  marginRate: 0.3,
  historicalConversions: 100,
};
const email: CatalogChannel = {
  channelId: 'email',
  costPerContact: 0.05,
  sendHours: [],
  capacityPerDay: 1000,
};

describe('actionEconomics', () => {
  it('values an action by uplift × value × margin less discount and contact cost', () => {
    // uplift 0.1; value = 0.1×40×0.3 − 0.2×0.1×40 − 0.05 = 1.2 − 0.8 − 0.05 = 0.35
    // cost = contact 0.05 + expected discount 0.2×0.1×40 = 0.85
    const e = actionEconomics(0.2, 0.1, offer, email);

    expect(e.value).toBeCloseTo(0.35, 12);
    expect(e.cost).toBeCloseTo(0.85, 12);
    expect(e.contactCost).toBe(0.05);
    expect(e.expectedDiscountCost).toBeCloseTo(0.8, 12);
    expect(e.incrementalConversions).toBeCloseTo(0.1, 12);
    expect(e.incrementalRevenue).toBeCloseTo(4, 12);
  });

  it('gives a sleeping dog (pT < pC) a negative value and a negative uplift', () => {
    // uplift −0.05; value = −0.05×40×0.3 − 0.05×0.1×40 − 0.05 = −0.6 − 0.2 − 0.05 = −0.85; cost = 0.05 + 0.2
    const e = actionEconomics(0.05, 0.1, offer, email);

    expect(e.value).toBeCloseTo(-0.85, 12);
    expect(e.cost).toBeCloseTo(0.25, 12);
    expect(e.incrementalConversions).toBeCloseTo(-0.05, 12);
  });

  it('charges the discount to redeemers who would have bought anyway', () => {
    // No uplift at all: value = −(0.5×0.1×40) − 0.05 = −2.05
    const e = actionEconomics(0.5, 0.5, offer, email);
    expect(e.value).toBeCloseTo(-2.05, 12);
    expect(e.incrementalRevenue).toBe(0);
  });

  it('costs only the contact for an offer without discount', () => {
    const e = actionEconomics(0.2, 0.1, { ...offer, discountPct: 0 }, { ...email, costPerContact: 0.5 });
    expect(e.cost).toBe(0.5);
    expect(e.value).toBeCloseTo(1.2 - 0.5, 12);
  });

  it('charges the level sent, not the default one, when the plan picks another discount level', () => {
    // At 5% instead of the default 10%: discount 0.2×0.05×40 = 0.4; value = 1.2 − 0.4 − 0.05 = 0.75
    const e = actionEconomics(0.2, 0.1, offer, email, 5);
    expect(e.expectedDiscountCost).toBeCloseTo(0.4, 12);
    expect(e.value).toBeCloseTo(0.75, 12);
  });
});

describe('offerValidOn', () => {
  it.each([
    ['2026-10-31', false],
    ['2026-11-01', true],
    ['2026-11-15', true],
    ['2026-11-30', true],
    ['2026-12-01', false],
  ])('on %s is %s for an offer valid 2026-11-01..2026-11-30', (day, valid) => {
    expect(offerValidOn(offer, day)).toBe(valid);
  });
});
