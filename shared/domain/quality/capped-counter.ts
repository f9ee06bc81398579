/**
 * Value counts in bounded memory. Up to `cap` distinct values every count is exact; past that it
 * becomes Space-Saving (Metwally et al.): `cap` counters, a new value takes over the smallest one
 * and inherits its count as an error bound. Any value more frequent than total / cap is then still
 * listed, and `count - error` never overstates it.
 */

export interface ValueCount {
  readonly value: string;
  readonly count: number;
}

export interface TopValues {
  readonly top: readonly ValueCount[];
  /** False once the cap was passed: counts are then lower bounds. */
  readonly exact: boolean;
}

export class CappedCounter {
  private total = 0;
  private readonly exactCounts = new Map<string, number>();
  // Space-Saving state: a min-heap on `counts`, with `slot` mapping a value to its heap position.
  private heapValues: string[] = [];
  private heapCounts: number[] = [];
  private heapErrors: number[] = [];
  private slot: Map<string, number> | null = null;

  constructor(readonly cap: number) {
    if (!Number.isInteger(cap) || cap < 1)
      throw new RangeError(`the distinct cap must be a positive whole number, got ${cap}`);
  }

  get count(): number {
    return this.total;
  }

  /** True once more than `cap` distinct values were seen. */
  get overflowed(): boolean {
    return this.slot !== null;
  }

  /** Distinct values seen, or `cap` once there were more. */
  get distinct(): number {
    return this.slot ? this.cap : this.exactCounts.size;
  }

  add(value: string): void {
    this.total++;
    if (this.slot === null) {
      const counts = this.exactCounts;
      const seen = counts.get(value);
      if (seen !== undefined) {
        counts.set(value, seen + 1);
        return;
      }
      if (counts.size < this.cap) {
        counts.set(value, 1);
        return;
      }
      this.toSpaceSaving(counts);
    }
    this.addSpaceSaving(value, this.slot as Map<string, number>);
  }

  private toSpaceSaving(counts: Map<string, number>): void {
    const slot = new Map<string, number>();
    for (const [value, count] of counts) {
      slot.set(value, this.heapValues.length);
      this.heapValues.push(value);
      this.heapCounts.push(count);
      this.heapErrors.push(0);
    }
    counts.clear();
    this.slot = slot;
    for (let i = (this.heapValues.length >>> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  private addSpaceSaving(value: string, slot: Map<string, number>): void {
    const at = slot.get(value);
    if (at !== undefined) {
      this.heapCounts[at] = (this.heapCounts[at] ?? 0) + 1;
      this.siftDown(at);
      return;
    }
    const evicted = this.heapValues[0] as string;
    const floor = this.heapCounts[0] ?? 0;
    slot.delete(evicted);
    slot.set(value, 0);
    this.heapValues[0] = value;
    this.heapCounts[0] = floor + 1;
    this.heapErrors[0] = floor;
    this.siftDown(0);
  }

  private siftDown(start: number): void {
    const n = this.heapValues.length;
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) return;
      const right = left + 1;
      const child = right < n && (this.heapCounts[right] ?? 0) < (this.heapCounts[left] ?? 0) ? right : left;
      if ((this.heapCounts[child] ?? 0) >= (this.heapCounts[i] ?? 0)) return;
      this.swap(i, child);
      i = child;
    }
  }

  private swap(a: number, b: number): void {
    const slot = this.slot as Map<string, number>;
    const va = this.heapValues[a] as string;
    const vb = this.heapValues[b] as string;
    this.heapValues[a] = vb;
    this.heapValues[b] = va;
    [this.heapCounts[a], this.heapCounts[b]] = [this.heapCounts[b] ?? 0, this.heapCounts[a] ?? 0];
    [this.heapErrors[a], this.heapErrors[b]] = [this.heapErrors[b] ?? 0, this.heapErrors[a] ?? 0];
    slot.set(vb, a);
    slot.set(va, b);
  }

  /**
   * The `k` most frequent values, most frequent first, ties by value so the order is stable.
   * Past the cap only values seen more than once for certain are listed: in an identifier column
   * every counter holds some recent value with a bound of 1, which says nothing about the data.
   */
  top(k: number): TopValues {
    const entries: ValueCount[] = [];
    if (this.slot === null) {
      for (const [value, count] of this.exactCounts) entries.push({ value, count });
    } else {
      for (const [i, value] of this.heapValues.entries()) {
        const guaranteed = (this.heapCounts[i] ?? 0) - (this.heapErrors[i] ?? 0);
        if (guaranteed > 1) entries.push({ value, count: guaranteed });
      }
    }
    entries.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
    return { top: entries.slice(0, Math.max(0, k)), exact: this.slot === null };
  }
}
