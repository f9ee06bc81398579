import { createHash } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import type { Context } from 'aws-lambda';
import type { Recommendation } from '#shared/domain/recommendations/recommendation';
import {
  emptyUsage,
  type Failure,
  type RunRecord,
  type RunSummary,
  type StageRecord,
  type Usage,
} from '#shared/domain/runs/run-record';
import type { FileAccount, RunState, S3Ref, StageName } from '#shared/domain/runs/run-state';
import {
  type ObjectInfo,
  type ObjectStore,
  type ObjectWriter,
  type TaggedText,
  type VersionedRef,
  writeConditionHolds,
} from '#shared/ports/object-store';
import type { RecommendationRepository } from '#shared/ports/recommendation-repository';
import type { RunPage, RunRepository } from '#shared/ports/run-repository';
import type { RunStarter } from '#shared/ports/run-starter';
import type { UploadUrlSigner } from '#shared/ports/upload-url-signer';

/**
 * In-memory fakes of the ports, with the semantics of the AWS adapters: a claim names its owner,
 * create is idempotent, markFailed only touches RUNNING runs, publish only publishes RUNNING runs.
 * Every fake keeps copies, so a caller mutating what it passed or got back changes nothing here.
 */

const clone = <T>(value: T): T => structuredClone(value);

/** The error DynamoDB raises when a condition expression fails (name as the SDK names it). */
export class FakeConditionFailed extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'ConditionalCheckFailedException';
  }
}

export class InMemoryRunRepository implements RunRepository {
  public readonly runs = new Map<string, RunRecord>();
  /** Claim key → owning run id. */
  public readonly claims = new Map<string, string>();
  public publishedRunId: string | undefined;

  public async claimBatch(batchKey: string, runId: string, replacing?: string): Promise<string | undefined> {
    const owner = this.claims.get(batchKey);
    if (replacing !== undefined) {
      // `runId = :previous`: on a missing claim the condition fails and DynamoDB returns no item.
      if (owner === undefined) throw new FakeConditionFailed(`no claim ${batchKey} to replace`);
      if (owner !== replacing) return owner;
      this.claims.set(batchKey, runId);
      return undefined;
    }
    if (owner !== undefined) return owner;
    this.claims.set(batchKey, runId);
    return undefined;
  }

  public async create(run: RunRecord): Promise<void> {
    if (this.runs.has(run.runId)) return;
    this.runs.set(run.runId, clone(run));
  }

  public async get(runId: string): Promise<RunRecord | undefined> {
    const run = this.runs.get(runId);
    return run ? clone(run) : undefined;
  }

  /** Newest first by `startedAt#runId` (the byStartedAt index's sort key); the cursor is the last key. */
  public async list(limit: number, cursor?: string): Promise<RunPage> {
    const sortKey = (r: RunRecord) => `${r.startedAt}#${r.runId}`;
    const sorted = [...this.runs.values()].sort((a, b) => (sortKey(a) < sortKey(b) ? 1 : -1));
    const after = cursor === undefined ? sorted : sorted.filter((r) => sortKey(r) < cursor);
    const page = after.slice(0, limit);
    const last = page.at(-1);
    return {
      runs: page.map(clone),
      ...(after.length > limit && last ? { nextCursor: sortKey(last) } : {}),
    };
  }

  public async recordStage(runId: string, stage: StageName, record: StageRecord): Promise<void> {
    const run = this.mustExist(runId);
    run.stages[stage] = clone(record);
  }

  public async recordFiles(runId: string, files: readonly FileAccount[]): Promise<void> {
    const run = this.mustExist(runId);
    run.files = clone([...files]);
  }

  public async markFailed(runId: string, failure: Failure, finishedAt: string): Promise<void> {
    const run = this.runs.get(runId);
    if (run?.status !== 'RUNNING') return;
    run.status = 'FAILED';
    run.failure = clone(failure);
    run.finishedAt = finishedAt;
  }

  public async publish(runId: string, summary: RunSummary, finishedAt: string): Promise<void> {
    const run = this.runs.get(runId);
    if (run?.status !== 'RUNNING') {
      const error = new Error(`run ${runId} is not RUNNING; transaction cancelled`);
      error.name = 'TransactionCanceledException';
      throw error;
    }
    run.status = 'SUCCEEDED';
    run.summary = clone(summary);
    run.finishedAt = finishedAt;
    this.publishedRunId = runId;
  }

  public async latestPublishedRunId(): Promise<string | undefined> {
    return this.publishedRunId;
  }

  private mustExist(runId: string): RunRecord {
    const run = this.runs.get(runId);
    // `attribute_exists(pk)` on the update.
    if (!run) throw new FakeConditionFailed(`run ${runId} does not exist`);
    return run;
  }
}

export class InMemoryRecommendationRepository implements RecommendationRepository {
  /** customerId → (runId#rank → recommendation) */
  public readonly items = new Map<string, Map<string, Recommendation>>();

  public async putAll(
    recommendations: AsyncIterable<Recommendation> | Iterable<Recommendation>,
  ): Promise<{ written: number }> {
    let written = 0;
    for await (const r of recommendations) {
      const byKey = this.items.get(r.customerId) ?? new Map<string, Recommendation>();
      byKey.set(`${r.runId}#${String(r.rank).padStart(3, '0')}`, clone(r));
      this.items.set(r.customerId, byKey);
      written += 1;
    }
    return { written };
  }

  public async forCustomer(customerId: string, runId: string): Promise<Recommendation[]> {
    const byKey = this.items.get(customerId) ?? new Map<string, Recommendation>();
    return [...byKey.entries()]
      .filter(([key]) => key.startsWith(`${runId}#`))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([, r]) => clone(r));
  }
}

interface StoredObject {
  readonly body: Buffer;
  readonly etag: string;
  readonly versionId?: string;
  readonly contentType: string;
  readonly lastModified: Date;
}

/**
 * A minimal in-memory ObjectStore (test/support/in-memory-object-store.ts is the full one).
 * Unversioned by default: an object's version is its ETag (MD5 hex), and a read pinned to an
 * ETag that is no longer current fails, as S3's If-Match does. Versioned: each write gets a
 * version id and old versions stay readable by id.
 */
export class MemoryObjectStore implements ObjectStore {
  private readonly objects = new Map<string, StoredObject[]>();
  private versionCounter = 0;

  public constructor(private readonly options: { versioned?: boolean; now?: () => Date } = {}) {}

  /** Test set-up: puts an object, optionally with a given modification time. */
  public put(
    ref: S3Ref,
    body: string | Uint8Array,
    options: { lastModified?: Date; contentType?: string } = {},
  ) {
    const bytes = Buffer.from(body);
    this.versionCounter += 1;
    const stored: StoredObject = {
      body: bytes,
      etag: createHash('md5').update(bytes).digest('hex'),
      ...(this.options.versioned ? { versionId: `v${this.versionCounter}-${'x'.repeat(20)}` } : {}),
      contentType: options.contentType ?? 'application/octet-stream',
      lastModified: options.lastModified ?? this.options.now?.() ?? new Date(),
    };
    const id = this.id(ref);
    this.objects.set(id, [...(this.options.versioned ? (this.objects.get(id) ?? []) : []), stored]);
    return { version: stored.versionId ?? stored.etag };
  }

  public keys(bucket?: string): string[] {
    return [...this.objects.keys()].filter((k) => bucket === undefined || k.startsWith(`${bucket}/`)).sort();
  }

  public text(ref: S3Ref): string | undefined {
    return this.current(ref)?.body.toString('utf8');
  }

  public async head(ref: S3Ref): Promise<ObjectInfo | undefined> {
    const o = this.current(ref);
    return o ? this.info(ref.key, o) : undefined;
  }

  public async read(ref: VersionedRef): Promise<Readable> {
    return Readable.from([this.pinned(ref).body]);
  }

  public async readText(ref: VersionedRef): Promise<string> {
    return this.pinned(ref).body.toString('utf8');
  }

  public async readRange(ref: VersionedRef, start: number, end: number): Promise<Uint8Array> {
    return new Uint8Array(this.pinned(ref).body.subarray(start, end));
  }

  public async write(ref: S3Ref, body: string | Uint8Array, contentType: string): Promise<void> {
    this.put(ref, body, { contentType });
  }

  public async readTagged(ref: S3Ref): Promise<TaggedText | undefined> {
    const o = this.current(ref);
    return o ? { text: o.body.toString('utf8'), etag: `"${o.etag}"` } : undefined;
  }

  public async writeIfUnchanged(
    ref: S3Ref,
    body: string,
    contentType: string,
    etag: string | null,
  ): Promise<boolean> {
    const o = this.current(ref);
    if (!writeConditionHolds(o && `"${o.etag}"`, etag)) return false;
    this.put(ref, body, { contentType });
    return true;
  }

  public openWriter(ref: S3Ref, contentType: string): ObjectWriter {
    const stream = new PassThrough();
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    const ended = new Promise<void>((resolve, reject) => {
      stream.on('end', resolve);
      stream.on('error', reject);
    });
    return {
      stream,
      finish: async () => {
        stream.end();
        await ended;
        const body = Buffer.concat(chunks);
        this.put(ref, body, { contentType });
        return { bytes: body.length };
      },
      abort: async () => {
        stream.destroy();
      },
    };
  }

  public async copy(from: VersionedRef, to: S3Ref): Promise<void> {
    const source = this.pinned(from);
    this.put(to, source.body, { contentType: source.contentType });
  }

  public async *list(bucket: string, prefix: string): AsyncIterable<ObjectInfo> {
    for (const id of this.keys(bucket)) {
      const key = id.slice(bucket.length + 1);
      const o = this.current({ bucket, key });
      // Like ListObjectsV2, a listing carries the ETag, never the version id.
      if (key.startsWith(prefix) && o) yield { ...this.info(key, o), version: o.etag };
    }
  }

  private id(ref: S3Ref): string {
    return `${ref.bucket}/${ref.key}`;
  }

  private current(ref: S3Ref): StoredObject | undefined {
    return this.objects.get(this.id(ref))?.at(-1);
  }

  private info(key: string, o: StoredObject): ObjectInfo {
    return { key, size: o.body.length, version: o.versionId ?? o.etag, lastModified: o.lastModified };
  }

  private pinned(ref: VersionedRef): StoredObject {
    const versions = this.objects.get(this.id(ref)) ?? [];
    const current = versions.at(-1);
    if (!current) throw notFound(`s3://${ref.bucket}/${ref.key} does not exist`);
    if (ref.version === undefined) return current;
    if (/^[0-9a-f]{32}(-\d+)?$/.test(ref.version)) {
      if (current.etag !== ref.version) {
        const error = new Error(`s3://${ref.bucket}/${ref.key} changed (If-Match ${ref.version})`);
        error.name = 'PreconditionFailed';
        throw error;
      }
      return current;
    }
    const found = versions.find((v) => v.versionId === ref.version);
    if (!found) throw notFound(`s3://${ref.bucket}/${ref.key}?versionId=${ref.version} does not exist`);
    return found;
  }
}

function notFound(message: string): Error {
  const error = new Error(message);
  error.name = 'NoSuchKey';
  return error;
}

export class RecordingRunStarter implements RunStarter {
  public readonly started: { runId: string; input: unknown }[] = [];

  public async start(runId: string, input: unknown): Promise<{ executionArn: string }> {
    this.started.push({ runId, input: clone(input) });
    return { executionArn: `arn:aws:states:us-east-1:000000000000:execution:campaign-run:${runId}` };
  }
}

export class RecordingUrlSigner implements UploadUrlSigner {
  public readonly calls: { bucket: string; key: string; contentType: string; expiresInSeconds: number }[] =
    [];

  public async presignPut(
    bucket: string,
    key: string,
    contentType: string,
    expiresInSeconds: number,
  ): Promise<string> {
    this.calls.push({ bucket, key, contentType, expiresInSeconds });
    return `https://${bucket}.s3.example/${key}?signed=1`;
  }
}

/** A Lambda context as the service passes it. */
export function fakeLambdaContext(overrides: Partial<Context> = {}): Context {
  const unsupported = () => {
    throw new Error('callback-style completion is not used');
  };
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'TestFunction',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:TestFunction',
    memoryLimitInMB: '1024',
    awsRequestId: 'test-request-id',
    logGroupName: '/aws/lambda/TestFunction',
    logStreamName: 'test/stream',
    getRemainingTimeInMillis: () => 60_000,
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
    ...overrides,
  };
}

/** Fixtures: a run state and a run record that parse with the real schemas. */

export function sampleRunState(overrides: Partial<RunState> = {}): RunState {
  return {
    runId: 'r20261122T070000Z-abc123',
    trigger: { source: 's3' },
    batch: {
      bucket: 'landing',
      manifestKey: 'incoming/acme/b1/manifest.json',
      manifestVersion: '0123456789abcdef0123456789abcdef',
      partner: 'acme',
      batchId: 'b1',
    },
    campaign: { budget: 1000, holdoutFraction: 0.1, sendDate: '2026-11-29', seed: 7, currency: 'EUR' },
    startedAt: '2026-11-22T07:00:00.000Z',
    stages: {},
    ...overrides,
  };
}

export function sampleRunRecord(overrides: Partial<RunRecord> = {}): RunRecord {
  const state = sampleRunState();
  return {
    runId: state.runId,
    status: 'RUNNING',
    trigger: state.trigger,
    batch: state.batch,
    campaign: state.campaign,
    startedAt: state.startedAt,
    stages: {},
    files: [],
    ...overrides,
  };
}

export function sampleRunSummary(overrides: Partial<RunSummary> = {}): RunSummary {
  return {
    asOf: '2026-11-21',
    rows: { in: 100, accepted: 98, rejected: 2 },
    segments: [],
    plan: {
      eligibleCustomers: 90,
      targetedCustomers: 40,
      holdoutCustomers: 5,
      byArm: [{ offerId: 'o1', channelId: 'email', customers: 40, spend: 100 }],
      budget: 1000,
      spend: 100,
      contactCost: 20,
      expectedDiscountCost: 80,
      expectedIncrementalConversions: 4,
      expectedIncrementalRevenue: 400,
      expectedIncrementalProfit: 150,
      certificate: { primal: 150, dualBound: 151, gap: 1, lambda: 0.2 },
    },
    model: { backend: 'cpu', holdoutAuc: 0.7, holdoutQini: 0.05 },
    runCost: 0.12,
    currency: 'EUR',
    ...overrides,
  };
}

export function sampleUsage(overrides: Partial<Usage> = {}): Usage {
  return { ...emptyUsage(), ...overrides };
}

export function sampleRecommendation(overrides: Partial<Recommendation> = {}): Recommendation {
  return {
    customerId: 'c1',
    runId: 'r1',
    rank: 1,
    offerId: 'o1',
    offerName: '10% off',
    channelId: 'email',
    discountPct: 10,
    sendDate: '2026-11-29',
    segment: 'Loyal',
    pTreated: 0.2,
    pControl: 0.1,
    expectedIncrementalProfit: 0.35,
    expectedCost: 0.85,
    reasons: ['segment: Loyal'],
    ...overrides,
  };
}

/** A promise and the function that resolves it, to hold a use case at a known point. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
