/**
 * Value counts in bounded memory. The first `cap` distinct values are tracked and counted exactly
 * from their first appearance; once all counters are taken, values not tracked yet count only in
 * the total. A value holding more than about 1 / cap of the rows almost surely shows up among the
 * first `cap` distinct values, so the frequent values are still listed, each with its exact count.
 * A column whose first `cap` distinct values were all seen once when the counters ran out is an
 * identifier in all but name: it stops being counted at all, since every lookup of a fresh value
 * costs a hash of it and can only find nothing worth listing. (A sketch that admits new values,
 * Space-Saving or Misra-Gries, pays several map operations per row there.)
 */

export interface ValueCount {
  readonly value: string;
  readonly count: number;
}

export interface TopValues {
  readonly top: readonly ValueCount[];
  /** False once the cap was passed: values first seen after that are not listed. */
  readonly exact: boolean;
}

export class CappedCounter {
  private total = 0;
  // A box per value: a repeat is one map lookup, where a number would take a get and a set.
  private readonly counts = new Map<string, { n: number }>();
  private passed = false;
  /** Some value was seen more than once. */
  private repeated = false;
  /** Past the cap with nothing repeated: an identifier, not worth a lookup per value. */
  private identifier = false;
  // Equal values often come in runs (the lines of one receipt): a run costs one map update.
  private runValue: string | undefined;
  private runLength = 0;

  constructor(readonly cap: number) {
    if (!Number.isInteger(cap) || cap < 1)
      throw new RangeError(`the distinct cap must be a positive whole number, got ${cap}`);
  }

  get count(): number {
    return this.total;
  }

  /** True once more than `cap` distinct values were seen. */
  get overflowed(): boolean {
    this.endRun();
    return this.passed;
  }

  /** Distinct values seen, or `cap` once there were more. */
  get distinct(): number {
    this.endRun();
    return this.passed ? this.cap : this.counts.size;
  }

  add(value: string): void {
    this.total++;
    if (this.identifier) return;
    if (value === this.runValue) {
      this.runLength++;
      return;
    }
    this.endRun();
    if (this.identifier) return;
    this.runValue = value;
    this.runLength = 1;
  }

  private endRun(): void {
    const value = this.runValue;
    if (value === undefined) return;
    const n = this.runLength;
    this.runValue = undefined;
    const counts = this.counts;
    const seen = counts.get(value);
    if (seen !== undefined) {
      seen.n += n;
      this.repeated = true;
    } else if (counts.size < this.cap) {
      counts.set(value, { n });
      if (n > 1) this.repeated = true;
    } else if (!this.passed) {
      this.passed = true;
      this.identifier = !this.repeated && n === 1;
    }
  }

  /**
   * The `k` most frequent values, most frequent first, ties by value so the order is stable.
   * Past the cap only values counted more than once are listed: in an identifier column the
   * counters hold the first values, seen once each, which says nothing about the data.
   */
  top(k: number): TopValues {
    this.endRun();
    const entries: ValueCount[] = [];
    for (const [value, { n: count }] of this.counts)
      if (!this.passed || count > 1) entries.push({ value, count });
    entries.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
    return { top: entries.slice(0, Math.max(0, k)), exact: !this.passed };
  }
}
