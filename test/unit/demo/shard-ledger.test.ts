import { describe, expect, it } from 'vitest';
import { ShardLedger } from '../../../shared/demo/shard-ledger';

const shard = (index: number, receipts: number, organic: number[]) => ({
  shard: index,
  receipts,
  organic: Uint8Array.from(organic),
});

describe('ShardLedger', () => {
  it('continues receipt numbers across shards, counting the planted lines', () => {
    const ledger = new ShardLedger({ customerSlots: [], lineSlots: [{ from: 1, rule: 'minimum' }] });
    expect(ledger.settle(shard(0, 10, [1, 1, 1]), 0)).toEqual({
      shard: 0,
      receiptsBefore: 0,
      badLines: [{ customer: 1, rule: 'minimum' }],
    });
    expect(ledger.settle(shard(1, 5, [1, 1, 1]), 3).receiptsBefore).toBe(11);
    expect(ledger.totalReceipts).toBe(16);
  });

  it('carries a bad line into the next shard when no later customer of its own shard has a receipt to copy', () => {
    const ledger = new ShardLedger({
      customerSlots: [],
      lineSlots: [
        { from: 5, rule: 'iso_timestamp' },
        { from: 1, rule: 'minimum' },
      ],
    });
    expect(ledger.settle(shard(0, 4, [1, 0, 0]), 0).badLines).toEqual([]);
    expect(ledger.settle(shard(1, 9, [0, 1, 1]), 3).badLines).toEqual([
      { customer: 4, rule: 'minimum' },
      { customer: 5, rule: 'iso_timestamp' },
    ]);
  });

  it('refuses shards out of order', () => {
    const ledger = new ShardLedger(null);
    expect(() => ledger.settle(shard(1, 1, [1]), 3)).toThrow(/out of order/);
  });
});
