import { type ProductPair, partnersOf } from './product-pairs';

export interface NextBestProduct {
  readonly product: string;
  /** The customer's product it goes with. */
  readonly because: string;
  /** Share of receipts with `because` that also hold `product`. */
  readonly confidence: number;
  readonly lift: number;
}

/**
 * The next-best product for each customer: among the partners of what they bought, the one most
 * often bought with it (confidence), among pairs bought together more often than chance (lift
 * above 1), and not a product they already buy. Ties go to the higher lift, then the product id,
 * so the answer is the same on every run.
 */
export function nextBestProducts(
  pairs: readonly ProductPair[],
  purchases: ReadonlyMap<string, ReadonlySet<string>>,
): Map<string, NextBestProduct> {
  const partners = partnersOf(pairs.filter((p) => p.lift > 1));
  const best = new Map<string, NextBestProduct>();
  for (const [customer, owned] of purchases) {
    let pick: NextBestProduct | undefined;
    for (const product of [...owned].sort()) {
      for (const partner of partners.get(product) ?? []) {
        if (owned.has(partner.product)) continue;
        const better =
          !pick ||
          partner.confidence > pick.confidence ||
          (partner.confidence === pick.confidence &&
            (partner.lift > pick.lift || (partner.lift === pick.lift && partner.product < pick.product)));
        if (better)
          pick = {
            product: partner.product,
            because: product,
            confidence: partner.confidence,
            lift: partner.lift,
          };
      }
    }
    if (pick) best.set(customer, pick);
  }
  return best;
}
