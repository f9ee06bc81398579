import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enforceConditionalWrites } from '../../infra/local/s3-conditional-writes';
import { S3ObjectStore } from '../../shared/adapters/aws/s3-object-store';
import type { CustomerModelCard } from '../../shared/domain/registry/model-card';
import {
  type CustomerModelCandidate,
  registerCustomerModel,
} from '../../shared/use-cases/scoring/customer-model-registry';
import { readChampionPointer } from '../../shared/use-cases/scoring/model-registry';

/**
 * S3's conditional writes (If-None-Match: *, If-Match: <etag>) through the unchanged S3 client and
 * the S3ObjectStore adapter, against s3rver with the local stack's check in front of it.
 */

const BUCKET = 'lake';

/** A churn model of a run: nothing to score with, only a version and a held-out metric to register. */
function candidateFor(version: string, auc: number): CustomerModelCandidate<{ dispose(): void }> {
  const model = { dispose: () => undefined };
  const card: CustomerModelCard = {
    name: 'churn',
    version,
    trainedAt: '2026-11-22T09:00:00.000Z',
    dataWindow: {
      asOf: '2026-11-01',
      snapshotCutOffs: ['2026-08-03'],
      trainingSnapshots: 800,
      holdoutSnapshots: 200,
    },
    features: ['recency_days'],
    featureHash: 'features-1',
    metrics: { holdout: { name: 'auc', value: auc }, outOfFold: {}, trainingMs: 1 },
    backend: 'cpu',
  };
  return {
    model,
    artifacts: { modelJson: '{}', weights: new Uint8Array(0) },
    card,
    load: async () => model,
    measure: () => auc,
  };
}
let dir: string;
let server: S3rver;
let s3: S3Client;
let store: S3ObjectStore;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 's3-conditional-'));
  server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: dir,
    configureBuckets: [{ name: BUCKET, configs: [] }],
  });
  enforceConditionalWrites(server);
  const { port } = await server.run();
  s3 = new S3Client({
    region: 'eu-west-1',
    endpoint: `http://127.0.0.1:${port}`,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  store = new S3ObjectStore(s3);
});

afterAll(async () => {
  s3?.destroy();
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('conditional writes on the local S3', () => {
  it('creates an object only while there is none (If-None-Match: *)', async () => {
    const ref = { bucket: BUCKET, key: 'create/once.json' };
    expect(await store.writeIfUnchanged(ref, '{"n":1}', 'application/json', null)).toBe(true);
    expect(await store.writeIfUnchanged(ref, '{"n":2}', 'application/json', null)).toBe(false);
    expect((await store.readTagged(ref))?.text).toBe('{"n":1}');
  });

  it('replaces an object only while it is as read (If-Match), and not once it is gone', async () => {
    const ref = { bucket: BUCKET, key: 'replace/pointer.json' };
    await store.write(ref, 'first', 'text/plain');
    const read = await store.readTagged(ref);
    expect(read?.etag).toMatch(/^"[0-9a-f]{32}"$/);
    await store.write(ref, 'second, by another writer', 'text/plain');
    expect(await store.writeIfUnchanged(ref, 'third', 'text/plain', read?.etag ?? '')).toBe(false);
    const now = await store.readTagged(ref);
    expect(now?.text).toBe('second, by another writer');
    expect(await store.writeIfUnchanged(ref, 'third', 'text/plain', now?.etag ?? '')).toBe(true);
    expect((await store.readTagged(ref))?.text).toBe('third');
    const last = await store.readTagged(ref);
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: ref.key }));
    expect(await store.writeIfUnchanged(ref, 'fourth', 'text/plain', last?.etag ?? '')).toBe(false);
    expect(await store.readTagged(ref)).toBeUndefined();
  });

  it('lets one of two writers racing on the same tag through', async () => {
    const ref = { bucket: BUCKET, key: 'race/pointer.json' };
    await store.write(ref, 'start', 'text/plain');
    const { etag } = (await store.readTagged(ref)) ?? { etag: '' };
    const results = await Promise.all(
      ['a', 'b', 'c', 'd'].map((w) => store.writeIfUnchanged(ref, `by ${w}`, 'text/plain', etag)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = ['a', 'b', 'c', 'd'][results.indexOf(true)];
    expect((await store.readTagged(ref))?.text).toBe(`by ${winner}`);
  });

  it('leaves unconditional writes alone', async () => {
    const ref = { bucket: BUCKET, key: 'plain/object.txt' };
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: ref.key, Body: 'one' }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: ref.key, Body: 'two' }));
    expect((await store.readTagged(ref))?.text).toBe('two');
  });
});

describe('a promotion another run got to first', () => {
  it('is not written: the other run keeps the title, and this run reports it was not promoted', async () => {
    const target = { store, bucket: BUCKET, partner: 'acme', now: () => new Date('2026-11-22T10:00:00Z') };
    // Two runs read the same empty registry and both decide to promote their model.
    const first = await registerCustomerModel(target, candidateFor('v-first', 0.8));
    const second = await registerCustomerModel(target, candidateFor('v-second', 0.7));
    expect(first.decision.promote && second.decision.promote).toBe(true);
    expect((await first.commit()).promote).toBe(true);
    const lost = await second.commit();
    expect(lost.promote).toBe(false);
    expect(lost.reason).toContain('another run moved the champion pointer');
    const { pointer } = await readChampionPointer('churn', store, BUCKET, 'acme');
    expect(pointer?.version).toBe('v-first');
  });
});
