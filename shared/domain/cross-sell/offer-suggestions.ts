import type { ProductPair } from './product-pairs';

/** What the suggestions need to know of an offer. */
export interface BundleOffer {
  readonly offerId: string;
  readonly kind: string;
  readonly targetProductId: string | null;
}

/** A co-purchased pair no current offer bundles: a new offer a campaign manager can create. */
export type OfferSuggestion = Pick<
  ProductPair,
  'productA' | 'productB' | 'labelA' | 'labelB' | 'together' | 'lift'
>;

const BUNDLING_KINDS = new Set(['bundle', 'buy_one_get_one', 'upgrade']);

/**
 * The strongest co-purchased pairs that no bundle-like offer (bundle, buy-one-get-one, upgrade)
 * already targets through either of its products, strongest first by lift × receipts together
 * (lift alone favours rare pairs).
 */
export function unbundledPairs(
  pairs: readonly ProductPair[],
  offers: readonly BundleOffer[],
  limit: number,
): OfferSuggestion[] {
  const bundled = new Set(
    offers
      .filter((o) => BUNDLING_KINDS.has(o.kind) && o.targetProductId !== null)
      .map((o) => o.targetProductId),
  );
  return pairs
    .filter((p) => p.lift > 1 && !bundled.has(p.productA) && !bundled.has(p.productB))
    .sort(
      (x, y) =>
        y.lift * y.together - x.lift * x.together ||
        x.productA.localeCompare(y.productA) ||
        x.productB.localeCompare(y.productB),
    )
    .slice(0, limit)
    .map((p) => ({
      productA: p.productA,
      productB: p.productB,
      labelA: p.labelA,
      labelB: p.labelB,
      together: p.together,
      lift: p.lift,
    }));
}
