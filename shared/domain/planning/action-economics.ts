import type { CatalogChannel, CatalogOffer } from '../catalog/campaign-catalog';

export interface ActionEconomics {
  /** Expected incremental profit: uplift × margin on a response, minus discount and contact cost. */
  readonly value: number;
  /** Spend counted against the budget: the contact plus the discount every redeemer gets. */
  readonly cost: number;
  readonly contactCost: number;
  readonly expectedDiscountCost: number;
  readonly incrementalConversions: number;
  readonly incrementalRevenue: number;
}

/**
 * The economics of sending one offer on one channel at one discount level to one customer. The discount is paid by
 * every redeemer, including those who would have bought anyway, which is why a high baseline
 * response makes a discount expensive.
 *
 * @param pTreated P(response | this action)
 * @param pControl P(response | no contact)
 * @param discountPct the level sent; the offer's default level when absent
 */
export function actionEconomics(
  pTreated: number,
  pControl: number,
  offer: CatalogOffer,
  channel: CatalogChannel,
  discountPct: number = offer.discountPct,
): ActionEconomics {
  const uplift = pTreated - pControl;
  const responseValue = offer.valuePerResponse;
  const expectedDiscountCost = pTreated * (discountPct / 100) * responseValue;
  const contactCost = channel.costPerContact;
  return {
    value: uplift * responseValue * offer.marginRate - expectedDiscountCost - contactCost,
    cost: contactCost + expectedDiscountCost,
    contactCost,
    expectedDiscountCost,
    incrementalConversions: uplift,
    incrementalRevenue: uplift * responseValue,
  };
}

/** Whether an offer may be sent on a day. */
export function offerValidOn(offer: CatalogOffer, day: string): boolean {
  return offer.validFrom <= day && day <= offer.validTo;
}
