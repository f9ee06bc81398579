import type { BadLineRule } from './bad-rows';
import type { EncodedChunk } from './text-chunk';
import type { PlantedInChunk } from './transaction-sink';
import type { Frame } from './world';

/**
 * A world is simulated in shards of consecutive customers. Every customer's randomness is a function
 * of (seed, stream, customer index), so shards can be simulated anywhere in any order; the only
 * things that run across shards (receipt numbers, where the bad lines land) are settled in shard
 * order between a shard's simulation and its formatting.
 */

/** Fixed, so shard boundaries (and the chunks the files are written in) never depend on the worker count. */
export const SHARD_CUSTOMERS = 1000;

/** Customers `from` (included) to `to` (excluded) of the world. */
export interface ShardRange {
  readonly shard: number;
  readonly from: number;
  readonly to: number;
}

export function shardRanges(customers: number): ShardRange[] {
  const ranges: ShardRange[] = [];
  for (let from = 0, shard = 0; from < customers; from += SHARD_CUSTOMERS, shard++) {
    ranges.push({ shard, from, to: Math.min(customers, from + SHARD_CUSTOMERS) });
  }
  return ranges;
}

/** What every shard needs to know about the world; cheap to send to a worker. */
export interface WorldSetup {
  readonly seed: number;
  readonly customers: number;
  readonly frame: Frame;
  readonly badRows: boolean;
  /** Share of each past campaign's customers randomized into the control group. */
  readonly controlShare: number;
}

/** What the settling needs of a simulated shard. */
export interface SimulatedShard {
  readonly shard: number;
  /** Receipts of the shard's customers, before any bad line is planted. */
  readonly receipts: number;
  /** 1 for each customer of the shard with an organic receipt, which a bad line can copy. */
  readonly organic: Uint8Array;
}

/** The shard's place in the files, settled once every earlier shard has been simulated. */
export interface ShardOrders {
  readonly shard: number;
  /** Receipt numbers of earlier shards, planted ones included. */
  readonly receiptsBefore: number;
  readonly badLines: readonly { readonly customer: number; readonly rule: BadLineRule }[];
}

/** A shard's rows of every per-customer file. */
export interface ShardOutput {
  readonly shard: number;
  readonly customers: EncodedChunk;
  readonly transactions: EncodedChunk;
  readonly contacts: EncodedChunk;
  readonly responses: EncodedChunk;
  readonly truth: EncodedChunk;
  readonly receipts: number;
  readonly plantedCustomers: readonly PlantedInChunk[];
  readonly plantedLines: readonly PlantedInChunk[];
}

/** The buffers of an output, to be moved rather than copied between threads. */
export function transferables(output: ShardOutput): ArrayBuffer[] {
  const chunks = [output.customers, output.transactions, output.contacts, output.responses, output.truth];
  return chunks.map((c) => c.bytes.buffer as ArrayBuffer);
}
