/**
 * Which categories' spend shares become features. A batch's own choice is its top categories by
 * revenue; but the feature list is part of a model's identity (its feature hash), and a champion
 * can only score, or be measured against, a batch with its feature list. Two categories close in
 * revenue swap places from one delivery to the next, so left to itself the choice would change the
 * feature list, and retire the partner's champion unmeasured, for no reason in the data. The
 * champion's categories are kept instead while every one of them still ranks among the batch's top
 * twice as many.
 */

/** A champion's category stays while it ranks within this many times the number chosen. */
export const CONTENDER_FACTOR = 2;

export type CategoryChoice =
  | { readonly source: 'batch'; readonly categories: readonly string[]; readonly reason: string }
  | { readonly source: 'champion'; readonly categories: readonly string[]; readonly champion: string };

/**
 * `ranked`: the batch's categories with revenue before the cut-off, most first. `targeted`: the
 * categories the batch's offers target, which are features whatever their revenue: a category
 * offer's uplift follows the customer's taste for that category, and a small category (snacks
 * beside produce and dairy) is as likely to be promoted as a big one. `champion`: the partner's
 * response champion and the categories it reads (cards from before they were recorded have none).
 */
export function chooseFeatureCategories(
  ranked: readonly string[],
  count: number,
  champion: { readonly version: string; readonly categories?: readonly string[] } | undefined,
  targeted: readonly string[] = [],
): CategoryChoice {
  const top = [...new Set([...ranked.slice(0, count), ...targeted])];
  if (champion === undefined) {
    return { source: 'batch', categories: top, reason: 'the partner has no response champion' };
  }
  if (champion.categories === undefined) {
    return {
      source: 'batch',
      categories: top,
      reason: `the response champion ${champion.version} does not record its categories`,
    };
  }
  // Kept only while each still ranks among twice as many as are chosen (or an offer targets it), so
  // that the list follows a lasting change in what the partner sells, while a swap at the edge of
  // the top changes nothing.
  const contenders = new Set([...ranked.slice(0, CONTENDER_FACTOR * count), ...targeted]);
  const fallen = champion.categories.filter((c) => !contenders.has(c));
  if (fallen.length > 0) {
    return {
      source: 'batch',
      categories: top,
      reason: `the response champion ${champion.version} reads categories no longer among this batch's top ${CONTENDER_FACTOR * count} by revenue: ${fallen.join(', ')}`,
    };
  }
  const unread = targeted.filter((c) => !champion.categories?.includes(c));
  if (unread.length > 0) {
    return {
      source: 'batch',
      categories: top,
      reason: `the response champion ${champion.version} does not read the share of categories this batch's offers target: ${unread.join(', ')}`,
    };
  }
  return { source: 'champion', categories: [...champion.categories], champion: champion.version };
}
