/** Two products bought in the same receipts, as the co-purchase query measures them. */
export interface ProductPair {
  readonly productA: string;
  readonly productB: string;
  /** What a person calls each product: its subcategory, else its category. */
  readonly labelA: string;
  readonly labelB: string;
  /** Receipts holding both. */
  readonly together: number;
  /** How many times more often than if the two were bought independently. */
  readonly lift: number;
  /** Share of A's receipts that also hold B. */
  readonly confidenceAToB: number;
  /** Share of B's receipts that also hold A. */
  readonly confidenceBToA: number;
}

/** Each product's partners, in both directions, with the confidence of going from it to them. */
export function partnersOf(
  pairs: readonly ProductPair[],
): Map<string, { product: string; confidence: number; lift: number }[]> {
  const partners = new Map<string, { product: string; confidence: number; lift: number }[]>();
  const add = (from: string, to: string, confidence: number, lift: number) => {
    const list = partners.get(from) ?? [];
    list.push({ product: to, confidence, lift });
    partners.set(from, list);
  };
  for (const p of pairs) {
    add(p.productA, p.productB, p.confidenceAToB, p.lift);
    add(p.productB, p.productA, p.confidenceBToA, p.lift);
  }
  return partners;
}
