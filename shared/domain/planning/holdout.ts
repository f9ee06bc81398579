/**
 * Picks the random holdout group: a customer is held out when a seeded hash of their id falls
 * below the fraction. The choice depends only on the seed and the id, never on row order, so a
 * replay with the same seed holds out the same customers.
 */
export function isHeldOut(customerId: string, seed: number, fraction: number): boolean {
  if (fraction <= 0) return false;
  return fnv1a(`${seed}:${customerId}`) / 0x1_0000_0000 < fraction;
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}
