import { unitHash } from '../registry/holdout';

/**
 * A uniform sample of at most `limit` items from a stream of unknown length: the items whose keys
 * hash lowest (bottom-k sampling). Which items it keeps depends on their keys only, not on the
 * order they arrive in or on what else is in the stream, so a rerun over the same file, or over a
 * file that gained rows, keeps the same items where it can. Memory stays below 2 × limit items.
 */
export class HashSample<T> {
  private items: { hash: number; key: string; item: T }[] = [];
  /** Items hashing at or above this cannot make the sample any more. */
  private bound = Number.POSITIVE_INFINITY;
  private offered = 0;

  public constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`limit must be a positive integer, got ${limit}`);
  }

  /** Offers an item; `make` runs only when the item is (so far) in the sample. */
  public offer(key: string, make: () => T): void {
    this.offered += 1;
    const hash = unitHash(`sample:${key}`);
    if (hash >= this.bound) return;
    this.items.push({ hash, key, item: make() });
    if (this.items.length >= 2 * this.limit) this.compact();
  }

  /** How many items were offered, kept or not. */
  public get seen(): number {
    return this.offered;
  }

  /** The sample, lowest hash first. */
  public take(): T[] {
    this.compact();
    return this.items.map((i) => i.item);
  }

  private compact(): void {
    this.items.sort((x, y) => x.hash - y.hash || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
    if (this.items.length > this.limit) {
      this.items.length = this.limit;
      this.bound = (this.items[this.limit - 1] as { hash: number }).hash;
    }
  }
}
