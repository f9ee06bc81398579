import { parentPort, workerData } from 'node:worker_threads';
import type { FromWorker, ToWorker, WorkerSetup } from './shard-messages';
import { ShardSimulator } from './shard-simulator';
import { transferables } from './shards';

/** Worker thread entry (started through shard-worker.mjs): simulates and formats the shards it is sent. */

const port = parentPort;
if (!port) throw new Error('shard-worker must run in a worker thread');
const setup = workerData as WorkerSetup;
const simulator = new ShardSimulator(setup.world, setup.signups);
const reply = (message: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

port.on('message', (message: ToWorker) => {
  if (message.type === 'simulate') {
    const simulated = simulator.simulate(message.range);
    reply({ type: 'simulated', simulated }, [simulated.organic.buffer as ArrayBuffer]);
  } else {
    const output = simulator.format(message.orders);
    reply({ type: 'formatted', output }, transferables(output));
  }
});
reply({ type: 'ready' });
