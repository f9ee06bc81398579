import type { ShardOrders, ShardOutput, ShardRange, SimulatedShard, WorldSetup } from './shards';

/** The conversation between the generator and its shard workers. */

export interface WorkerSetup {
  readonly world: WorldSetup;
  /** Backed by a SharedArrayBuffer, so every worker reads the one copy. */
  readonly signups: Int32Array;
}

export type ToWorker =
  | { readonly type: 'simulate'; readonly range: ShardRange }
  | { readonly type: 'format'; readonly orders: ShardOrders };

export type FromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'simulated'; readonly simulated: SimulatedShard }
  | { readonly type: 'formatted'; readonly output: ShardOutput };
