import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DemoBatch,
  demoBatchDefaults,
  generateDemoBatch,
} from '../../../shared/demo/generate-demo-batch';
import { SHARD_CUSTOMERS } from '../../../shared/demo/shards';
import { manifest } from '../../../shared/domain/contracts/manifest';
import { fileText } from './read-batch';

/** The world must not depend on how many threads simulated it. */

// Three shards, the last one partial, so shards cross workers and arrive out of order.
const CUSTOMERS = 2 * SHARD_CUSTOMERS + 500;

let root: string;
let inThread: DemoBatch;
let onWorkers: DemoBatch;

const options = (name: string, workers: number) =>
  demoBatchDefaults({ outDir: join(root, name), customers: CUSTOMERS, seed: 11, workers });

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'demo-workers-'));
  inThread = await generateDemoBatch(options('one', 1));
  onWorkers = await generateDemoBatch(options('two', 2));
}, 60_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('generateDemoBatch on worker threads', () => {
  it('really ran on two workers (and on one thread when asked for one)', () => {
    expect(inThread.workers).toBe(1);
    expect(onWorkers.workers).toBe(2);
  });

  it('writes byte-identical files, truth.jsonl and manifest with one thread and with two', () => {
    const names = readdirSync(join(root, 'one')).sort();
    expect(names).toEqual(readdirSync(join(root, 'two')).sort());
    expect(names).toContain('truth.jsonl');
    for (const name of names) {
      const same = readFileSync(join(root, 'one', name)).equals(readFileSync(join(root, 'two', name)));
      expect(same, name).toBe(true);
    }
    expect(onWorkers.plantedBadRows).toEqual(inThread.plantedBadRows);
    expect(onWorkers.stats).toEqual(inThread.stats);
  });

  it('counts in manifest.json the rows each file holds, and truth.jsonl has a line per customer', () => {
    const onDisk = manifest.parse(JSON.parse(readFileSync(join(root, 'two', 'manifest.json'), 'utf8')));
    for (const f of onDisk.files) {
      // No demo cell spans lines, so every line after the header is a row.
      const lines = fileText(join(root, 'two', f.key)).split('\n').length - 1;
      expect(lines - 1, f.key).toBe(f.rows);
    }
    // Two planted customers with an invalid consent follow the real ones.
    expect(onDisk.files.find((f) => f.dataset === 'customers')?.rows).toBe(CUSTOMERS + 2);
    const truth = readFileSync(onWorkers.truthPath, 'utf8').split('\n').length - 1;
    expect(truth).toBe(CUSTOMERS);
  });

  it('numbers receipts without a gap or a repeat across the shards', () => {
    const text = fileText(join(root, 'two', 'transactions.csv.gz'));
    const receipts = new Set(
      text
        .split('\n')
        .slice(1, -1)
        .map((line) => line.split(',')[1]),
    );
    expect(receipts.size).toBe(onWorkers.stats.transactions);
    for (let n = 1; n <= onWorkers.stats.transactions; n++) {
      if (!receipts.has(`T${String(n).padStart(8, '0')}`)) throw new Error(`receipt ${n} is missing`);
    }
  });
});
