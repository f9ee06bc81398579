/**
 * Which training contacts are held out, decided by each contact's own key rather than by a shuffle.
 *
 * A partner's next batch repeats most of the last one's campaign history. A seeded shuffle of a
 * different set of rows would hold out contacts the champion trained on, and a model scored on its
 * own training rows looks better than it is: challengers would rarely win. A contact's hash does not
 * depend on which other rows are present, so a contact held out today was held out from every
 * earlier model too, and the champion and the challenger are measured on rows neither has seen.
 */

/** Changing it reassigns every contact, which would let the next challenger be measured on rows its champion saw. */
const SALT = 'response-holdout-v1';

/** A uniform number in [0, 1) from a string: FNV-1a, then murmur3's finaliser to spread similar keys. */
export function unitHash(key: string): number {
  let h = 0x811c9dc5;
  const text = `${SALT}:${key}`;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 0x100000000;
}

/** Row indices of a train/holdout split, each in row order. */
export interface HoldoutSplit {
  train: Int32Array;
  holdout: Int32Array;
}

/**
 * Holds out the rows whose key hashes below `fraction`: about that share of every arm, not exactly.
 * An arm whose rows all hash into the holdout keeps its first row in training, since a head with no
 * training rows predicts nothing but its starting bias (the trainer refuses such an arm).
 *
 * @param keys one stable key per row (the contact id)
 * @param arm  0 = control, 1..arms = treatment arm, per row
 */
export function stableHoldout(
  keys: readonly string[],
  arm: ArrayLike<number>,
  arms: number,
  fraction: number,
): HoldoutSplit {
  if (!(fraction >= 0 && fraction < 1)) throw new RangeError(`fraction must be in [0, 1), got ${fraction}`);
  if (keys.length !== arm.length) {
    throw new RangeError(`stableHoldout: ${keys.length} keys for ${arm.length} rows`);
  }
  const held = keys.map((key) => unitHash(key) < fraction);
  const trained = new Array<boolean>(arms + 1).fill(false);
  const firstRow = new Array<number>(arms + 1).fill(-1);
  for (let row = 0; row < arm.length; row++) {
    const a = arm[row] as number;
    if (!held[row]) trained[a] = true;
    if (firstRow[a] === -1) firstRow[a] = row;
  }
  firstRow.forEach((row, a) => {
    if (row >= 0 && !trained[a]) held[row] = false;
  });
  const train: number[] = [];
  const holdout: number[] = [];
  held.forEach((isHeld, row) => {
    (isHeld ? holdout : train).push(row);
  });
  return { train: Int32Array.from(train), holdout: Int32Array.from(holdout) };
}
