import type { BadLineRule, BadRowPlan } from './bad-rows';
import type { ShardOrders, SimulatedShard } from './shards';

/**
 * Settles, in shard order, what runs across shards: receipt numbers continue from the previous
 * shard, and a bad line goes to the first customer from its slot on with an organic receipt to
 * copy, at most one per customer, which may be in a later shard than the slot.
 */
export class ShardLedger {
  private nextShard = 0;
  private receipts = 0;
  private readonly pending: { readonly from: number; readonly rule: BadLineRule }[];

  constructor(plan: BadRowPlan | null) {
    this.pending = plan ? [...plan.lineSlots].sort((a, b) => a.from - b.from) : [];
  }

  /** Receipts settled so far, planted ones included. */
  get totalReceipts(): number {
    return this.receipts;
  }

  /** The orders of the shard after the last one settled; `from` is its first customer. */
  settle(simulated: SimulatedShard, from: number): ShardOrders {
    if (simulated.shard !== this.nextShard) {
      throw new Error(`shard ${simulated.shard} settled out of order (expected ${this.nextShard})`);
    }
    const badLines: { customer: number; rule: BadLineRule }[] = [];
    const { organic } = simulated;
    for (let k = 0; k < organic.length; k++) {
      const slot = this.pending[0];
      if (slot === undefined || slot.from > from + organic.length - 1) break;
      if (slot.from > from + k || organic[k] !== 1) continue;
      this.pending.shift();
      badLines.push({ customer: from + k, rule: slot.rule });
    }
    const orders = { shard: simulated.shard, receiptsBefore: this.receipts, badLines };
    this.receipts += simulated.receipts + badLines.length;
    this.nextShard++;
    return orders;
  }
}
