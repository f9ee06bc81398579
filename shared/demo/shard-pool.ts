import { Worker } from 'node:worker_threads';
import type { ShardLedger } from './shard-ledger';
import type { FromWorker, ToWorker, WorkerSetup } from './shard-messages';
import { ShardSimulator } from './shard-simulator';
import type { ShardOutput, ShardRange } from './shards';

/** Receives every shard's rows in shard order; the next shard waits until it resolves (back-pressure). */
export type ShardSink = (output: ShardOutput) => Promise<void>;

/** Shards a worker may hold at once (queued, simulated or being formatted): enough to keep it busy. */
const SHARDS_PER_WORKER = 3;
/** Shards allowed ahead of the one being written, which bounds memory when one shard is slow. */
const WINDOW_PER_WORKER = 4;

const WORKER_URL = new URL('./shard-worker.mjs', import.meta.url);

/** Simulates every shard in the calling thread. */
export async function runInThread(
  setup: WorkerSetup,
  ranges: readonly ShardRange[],
  ledger: ShardLedger,
  sink: ShardSink,
): Promise<void> {
  const simulator = new ShardSimulator(setup.world, setup.signups);
  for (const range of ranges) {
    const simulated = simulator.simulate(range);
    await sink(simulator.format(ledger.settle(simulated, range.from)));
  }
}

/** Starts `count` shard workers; null when they cannot start here (no TypeScript loader, no threads). */
export async function startWorkers(setup: WorkerSetup, count: number): Promise<Worker[] | null> {
  const workers: Worker[] = [];
  const ready = (worker: Worker) =>
    new Promise<boolean>((resolve) => {
      worker.once('message', (message: FromWorker) => resolve(message.type === 'ready'));
      worker.once('error', () => resolve(false));
      worker.once('exit', () => resolve(false));
    });
  try {
    for (let k = 0; k < count; k++) workers.push(new Worker(WORKER_URL, { workerData: setup }));
  } catch {
    await stopWorkers(workers);
    return null;
  }
  const started = await Promise.all(workers.map(ready));
  if (started.every(Boolean)) return workers;
  await stopWorkers(workers);
  return null;
}

export async function stopWorkers(workers: readonly Worker[]): Promise<void> {
  await Promise.all(workers.map((w) => w.terminate()));
}

/**
 * Hands shards to the workers, settles them in shard order as their simulations come back, and
 * passes the formatted shards to `sink` in shard order, never running more than a window ahead.
 */
export function runOnWorkers(
  workers: readonly Worker[],
  ranges: readonly ShardRange[],
  ledger: ShardLedger,
  sink: ShardSink,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const owner = new Map<number, Worker>();
    const load = new Map<Worker, number>(workers.map((w) => [w, 0]));
    const simulated = new Map<number, Extract<FromWorker, { type: 'simulated' }>['simulated']>();
    const formatted = new Map<number, ShardOutput>();
    const window = WINDOW_PER_WORKER * workers.length;
    let nextToDispatch = 0;
    let nextToSettle = 0;
    let nextToWrite = 0;
    let writing = false;
    let failed = false;

    const send = (worker: Worker, message: ToWorker) => worker.postMessage(message);
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      reject(error instanceof Error ? error : new Error(String(error)));
    };
    const dispatch = () => {
      while (nextToDispatch < ranges.length && nextToDispatch < nextToWrite + window) {
        const worker = workers.reduce((a, b) => ((load.get(b) ?? 0) < (load.get(a) ?? 0) ? b : a));
        const held = load.get(worker) ?? 0;
        const range = ranges[nextToDispatch];
        if (held >= SHARDS_PER_WORKER || !range) return;
        load.set(worker, held + 1);
        owner.set(range.shard, worker);
        send(worker, { type: 'simulate', range });
        nextToDispatch++;
      }
    };
    const settle = () => {
      for (let done = simulated.get(nextToSettle); done; done = simulated.get(nextToSettle)) {
        simulated.delete(nextToSettle);
        const range = ranges[nextToSettle];
        const worker = owner.get(nextToSettle);
        if (!range || !worker) throw new Error(`shard ${nextToSettle} has no owner`);
        send(worker, { type: 'format', orders: ledger.settle(done, range.from) });
        nextToSettle++;
      }
    };
    const write = async () => {
      if (writing || failed) return;
      writing = true;
      try {
        for (let out = formatted.get(nextToWrite); out && !failed; out = formatted.get(nextToWrite)) {
          formatted.delete(nextToWrite);
          await sink(out);
          nextToWrite++;
          dispatch();
        }
        if (nextToWrite === ranges.length) resolve();
      } catch (error) {
        fail(error);
      } finally {
        writing = false;
      }
    };

    for (const worker of workers) {
      worker.on('message', (message: FromWorker) => {
        try {
          if (message.type === 'simulated') {
            simulated.set(message.simulated.shard, message.simulated);
            settle();
          } else if (message.type === 'formatted') {
            formatted.set(message.output.shard, message.output);
            load.set(worker, (load.get(worker) ?? 1) - 1);
            dispatch();
            void write();
          }
        } catch (error) {
          fail(error);
        }
      });
      worker.on('error', fail);
      worker.on('exit', (code) => {
        if (nextToWrite < ranges.length) fail(new Error(`a shard worker stopped (exit code ${code})`));
      });
    }
    if (ranges.length === 0) resolve();
    dispatch();
  });
}
