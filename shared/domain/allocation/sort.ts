/**
 * A stable ascending sort of items by a float64 key, without a comparator: least-significant-digit
 * radix sort on the keys' bits. Stability means equal keys keep their input order, which is how
 * the solver breaks ties by lower index, and the cost is linear, which matters when a repair has
 * millions of candidates.
 */

const SMALL = 64;
/** The bit tricks below read a double's halves in little-endian order, as on x86 and ARM. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const DIGIT_BITS = 16;
const BUCKETS = 1 << DIGIT_BITS;

function insertionSort(items: Int32Array, keys: Float64Array, count: number): void {
  for (let p = 1; p < count; p++) {
    const item = items[p] as number;
    const key = keys[p] as number;
    let q = p - 1;
    while (q >= 0 && (keys[q] as number) > key) {
      items[q + 1] = items[q] as number;
      keys[q + 1] = keys[q] as number;
      q--;
    }
    items[q + 1] = item;
    keys[q + 1] = key;
  }
}

function comparatorSort(items: Int32Array, keys: Float64Array, count: number): void {
  const order = Array.from({ length: count }, (_, p) => p);
  // Array.prototype.sort is stable, so equal keys keep their input order.
  order.sort((a, b) => {
    const x = keys[a] as number;
    const y = keys[b] as number;
    return x < y ? -1 : x > y ? 1 : 0;
  });
  const sortedItems = order.map((p) => items[p] as number);
  const sortedKeys = order.map((p) => keys[p] as number);
  items.set(sortedItems);
  keys.set(sortedKeys);
}

/**
 * Sorts the first `count` entries of `items` by `keys` (aligned by position: keys[p] belongs to
 * items[p]), ascending and stable, in place; `keys` ends up sorted too. Keys must not be NaN.
 */
export function sortByKey(items: Int32Array, keys: Float64Array, count: number): void {
  if (count <= SMALL) {
    insertionSort(items, keys, count);
    return;
  }
  if (!LITTLE_ENDIAN) {
    comparatorSort(items, keys, count);
    return;
  }
  // IEEE 754 doubles order like sign-magnitude integers: flipping every bit of negatives and the
  // sign bit of positives makes them order like unsigned integers.
  const bits = new Uint32Array(keys.buffer, keys.byteOffset, count * 2);
  let low = new Uint32Array(count);
  let high = new Uint32Array(count);
  for (let p = 0; p < count; p++) {
    const lo = bits[2 * p] as number;
    const hi = bits[2 * p + 1] as number;
    const negative = hi >>> 31 === 1;
    low[p] = negative ? ~lo >>> 0 : lo;
    high[p] = negative ? ~hi >>> 0 : (hi ^ 0x80000000) >>> 0;
  }
  let order: Int32Array = items.subarray(0, count);
  let nextLow = new Uint32Array(count);
  let nextHigh = new Uint32Array(count);
  let nextOrder: Int32Array = new Int32Array(count);
  const histogram = new Int32Array(BUCKETS);
  for (let digit = 0; digit < 4; digit++) {
    const source = digit < 2 ? low : high;
    const shift = (digit % 2) * DIGIT_BITS;
    histogram.fill(0);
    for (let p = 0; p < count; p++) {
      const d = ((source[p] as number) >>> shift) & (BUCKETS - 1);
      histogram[d] = (histogram[d] as number) + 1;
    }
    // A digit every key shares moves nothing.
    const first = ((source[0] as number) >>> shift) & (BUCKETS - 1);
    if (histogram[first] === count) continue;
    let total = 0;
    for (let d = 0; d < BUCKETS; d++) {
      const size = histogram[d] as number;
      histogram[d] = total;
      total += size;
    }
    for (let p = 0; p < count; p++) {
      const d = ((source[p] as number) >>> shift) & (BUCKETS - 1);
      const to = histogram[d] as number;
      histogram[d] = to + 1;
      nextLow[to] = low[p] as number;
      nextHigh[to] = high[p] as number;
      nextOrder[to] = order[p] as number;
    }
    [low, nextLow] = [nextLow, low];
    [high, nextHigh] = [nextHigh, high];
    [order, nextOrder] = [nextOrder, order];
  }
  if (order.buffer !== items.buffer || order.byteOffset !== items.byteOffset) items.set(order);
  // Rebuild the sorted keys from their bits so callers can read them back in order.
  for (let p = 0; p < count; p++) {
    const negative = (high[p] as number) >>> 31 === 0;
    bits[2 * p] = negative ? ~(low[p] as number) >>> 0 : (low[p] as number);
    bits[2 * p + 1] = negative ? ~(high[p] as number) >>> 0 : ((high[p] as number) ^ 0x80000000) >>> 0;
  }
}

/** Whether (key a, item a) orders before (key b, item b): by key, then by item. */
function before(keyA: number, itemA: number, keyB: number, itemB: number): boolean {
  return keyA < keyB || (keyA === keyB && itemA < itemB);
}

/**
 * Moves the `limit` smallest of the first `count` entries (by key, ties by lower item) to the
 * front of `items` and `keys`, sorted, and returns how many that is. Costs about one pass when
 * `limit` is small, where a full sort would cost four: for callers that only walk the front.
 */
export function smallestByKey(items: Int32Array, keys: Float64Array, count: number, limit: number): number {
  const size = Math.min(count, limit);
  if (size === 0) return 0;
  // A max-heap of the best `size` so far; its root is the worst of them.
  const heapKeys = new Float64Array(size);
  const heapItems = new Int32Array(size);
  let filled = 0;
  for (let p = 0; p < count; p++) {
    const key = keys[p] as number;
    const item = items[p] as number;
    let at: number;
    if (filled < size) {
      at = filled++;
      while (at > 0) {
        const parent = (at - 1) >> 1;
        if (!before(heapKeys[parent] as number, heapItems[parent] as number, key, item)) break;
        heapKeys[at] = heapKeys[parent] as number;
        heapItems[at] = heapItems[parent] as number;
        at = parent;
      }
    } else {
      if (!before(key, item, heapKeys[0] as number, heapItems[0] as number)) continue;
      at = 0;
      for (;;) {
        let child = 2 * at + 1;
        if (child >= size) break;
        const right = child + 1;
        if (
          right < size &&
          before(
            heapKeys[child] as number,
            heapItems[child] as number,
            heapKeys[right] as number,
            heapItems[right] as number,
          )
        ) {
          child = right;
        }
        if (!before(key, item, heapKeys[child] as number, heapItems[child] as number)) break;
        heapKeys[at] = heapKeys[child] as number;
        heapItems[at] = heapItems[child] as number;
        at = child;
      }
    }
    heapKeys[at] = key;
    heapItems[at] = item;
  }
  // Order by item, then stably by key, so equal keys end up in item order.
  const order = Int32Array.from({ length: size }, (_, p) => p);
  sortByKey(order, Float64Array.from(heapItems), size);
  for (let p = 0; p < size; p++) {
    const from = order[p] as number;
    items[p] = heapItems[from] as number;
    keys[p] = heapKeys[from] as number;
  }
  sortByKey(items, keys, size);
  return size;
}
