import { beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '#shared/domain/auth/roles';
import { ConflictError, NotFoundError, PermissionError } from '#shared/domain/errors';
import { type CostReport, costReport } from '#shared/domain/reporting/cost-report';
import { API_SOURCE } from '#shared/domain/runs/run-requests';
import {
  createUploadUrl,
  createUploadUrlBody,
  UPLOAD_URL_TTL_SECONDS,
} from '#shared/use-cases/api/create-upload-url';
import { getCostReport } from '#shared/use-cases/api/get-cost-report';
import { getCustomerRecommendations } from '#shared/use-cases/api/get-customer-recommendations';
import { getRun } from '#shared/use-cases/api/get-run';
import { listRuns, toListItem } from '#shared/use-cases/api/list-runs';
import { startRun, startRunBody } from '#shared/use-cases/api/start-run';
import {
  InMemoryRecommendationRepository,
  InMemoryRunRepository,
  MemoryObjectStore,
  RecordingRunStarter,
  RecordingUrlSigner,
  sampleRecommendation,
  sampleRunRecord,
  sampleRunSummary,
} from '../../support/fakes';

const LAKE = 'lake';
const ANALYST: Principal = { subject: 's-analyst', username: 'arjun', roles: ['analyst'] };
const FINANCE: Principal = { subject: 's-finance', username: 'fatima', roles: ['finance'] };
const LANDING = 'landing';

describe('listRuns', () => {
  it('maps runs to list items, newest first, with the next cursor', async () => {
    // Prepare
    const runs = new InMemoryRunRepository();
    await runs.create(sampleRunRecord({ runId: 'r1', startedAt: '2026-11-20T07:00:00.000Z' }));
    await runs.create(
      sampleRunRecord({
        runId: 'r2',
        startedAt: '2026-11-21T07:00:00.000Z',
        status: 'FAILED',
        finishedAt: '2026-11-21T07:10:00.000Z',
        failure: {
          stage: 'validate',
          errorType: 'InputRejected',
          file: 'x.csv',
          rule: 'r',
          message: 'bad row',
        },
      }),
    );
    await runs.create(
      sampleRunRecord({
        runId: 'r3',
        startedAt: '2026-11-22T07:00:00.000Z',
        status: 'SUCCEEDED',
        trigger: { source: 'api', requestedBy: 'maria' },
        finishedAt: '2026-11-22T07:30:00.000Z',
        summary: sampleRunSummary(),
      }),
    );

    // Act
    const first = await listRuns(runs, ANALYST, 2);
    const second = await listRuns(runs, ANALYST, 2, first.nextCursor);

    // Assess
    expect(first.runs).toEqual([
      {
        runId: 'r3',
        status: 'SUCCEEDED',
        trigger: 'api',
        partner: 'acme',
        batchId: 'b1',
        startedAt: '2026-11-22T07:00:00.000Z',
        finishedAt: '2026-11-22T07:30:00.000Z',
        targetedCustomers: 40,
      },
      {
        runId: 'r2',
        status: 'FAILED',
        trigger: 's3',
        partner: 'acme',
        batchId: 'b1',
        startedAt: '2026-11-21T07:00:00.000Z',
        finishedAt: '2026-11-21T07:10:00.000Z',
        failure: 'bad row',
      },
    ]);
    expect(first.nextCursor).toBeDefined();
    expect(second).toEqual({
      runs: [
        {
          runId: 'r1',
          status: 'RUNNING',
          trigger: 's3',
          partner: 'acme',
          batchId: 'b1',
          startedAt: '2026-11-20T07:00:00.000Z',
        },
      ],
    });
  });

  it('toListItem leaves optional fields out rather than undefined', () => {
    expect(Object.keys(toListItem(sampleRunRecord()))).toEqual([
      'runId',
      'status',
      'trigger',
      'partner',
      'batchId',
      'startedAt',
    ]);
  });
});

describe('what a partner sees', () => {
  const partner = (partnerId: string): Principal => ({
    subject: 's-p',
    username: 'uploader',
    roles: ['partner'],
    partnerId,
  });

  it("lists only the runs of the partner's own batches, and hides another partner's run", async () => {
    // Prepare: one run per partner.
    const runs = new InMemoryRunRepository();
    const ours = sampleRunRecord({ runId: 'r-ours' });
    const theirs = sampleRunRecord({ runId: 'r-theirs', batch: { ...ours.batch, partner: 'someone-else' } });
    await runs.create(ours);
    await runs.create(theirs);
    const me = partner(ours.batch.partner);
    // Act / Assess
    expect((await listRuns(runs, me, 10)).runs.map((r) => r.runId)).toEqual(['r-ours']);
    expect((await listRuns(runs, ANALYST, 10)).runs.map((r) => r.runId).sort()).toEqual([
      'r-ours',
      'r-theirs',
    ]);
    await expect(getRun(runs, 'r-theirs', me)).rejects.toThrow(
      new NotFoundError('run r-theirs does not exist'),
    );
    expect((await getRun(runs, 'r-ours', me)).runId).toBe('r-ours');
  });
});

describe('getRun', () => {
  it('returns the run', async () => {
    const runs = new InMemoryRunRepository();
    const run = sampleRunRecord({ runId: 'r1' });
    await runs.create(run);
    expect(await getRun(runs, 'r1', ANALYST)).toEqual(run);
  });

  it('throws NotFoundError for an unknown run', async () => {
    await expect(getRun(new InMemoryRunRepository(), 'nope', ANALYST)).rejects.toThrow(
      new NotFoundError('run nope does not exist'),
    );
  });
});

describe('getCostReport', () => {
  let runs: InMemoryRunRepository;
  let store: MemoryObjectStore;
  const report: CostReport = {
    runId: 'r1',
    generatedAt: '2026-11-22T07:30:00.000Z',
    aws: {
      currency: 'USD',
      priceTable: { region: 'us-east-1', effectiveDate: '2026-11-01', source: 'test' },
      lines: [],
      byStage: [],
      total: 0.01,
    },
    campaign: {
      currency: 'EUR',
      budget: 1000,
      spend: 100,
      contactCost: 20,
      expectedDiscountCost: 80,
      customersTargeted: 40,
    },
    expectedReturn: {
      currency: 'EUR',
      incrementalConversions: 4,
      incrementalRevenue: 400,
      incrementalProfit: 150,
      roi: 1.5,
    },
  };

  beforeEach(() => {
    runs = new InMemoryRunRepository();
    store = new MemoryObjectStore();
  });

  it('reads the report of a SUCCEEDED run from the lake', async () => {
    await runs.create(sampleRunRecord({ runId: 'r1', status: 'SUCCEEDED' }));
    store.put({ bucket: LAKE, key: 'runs/r1/cost-report.json' }, JSON.stringify(report));

    const got = await getCostReport({ runs, store, lakeBucket: LAKE }, 'r1', FINANCE);

    expect(got).toEqual(report);
    expect(costReport.safeParse(got).success).toBe(true);
  });

  it.each(['RUNNING', 'FAILED', 'DUPLICATE'] as const)(
    'throws ConflictError for a %s run',
    async (status) => {
      await runs.create(sampleRunRecord({ runId: 'r1', status }));
      store.put({ bucket: LAKE, key: 'runs/r1/cost-report.json' }, JSON.stringify(report));
      await expect(getCostReport({ runs, store, lakeBucket: LAKE }, 'r1', FINANCE)).rejects.toThrow(
        new ConflictError(`run r1 is ${status}; a cost report exists once a run has succeeded`),
      );
    },
  );

  it('throws NotFoundError for an unknown run', async () => {
    await expect(getCostReport({ runs, store, lakeBucket: LAKE }, 'r1', FINANCE)).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});

describe('getCustomerRecommendations', () => {
  it('throws NotFoundError when no run is published', async () => {
    await expect(
      getCustomerRecommendations(
        { runs: new InMemoryRunRepository(), recommendations: new InMemoryRecommendationRepository() },
        'c1',
      ),
    ).rejects.toThrow(new NotFoundError('no run has been published yet'));
  });

  it("returns the customer's recommendations of the published run only", async () => {
    // Prepare: r1 was published then superseded by r2; r3 wrote recommendations but is not published.
    const runs = new InMemoryRunRepository();
    const recommendations = new InMemoryRecommendationRepository();
    for (const runId of ['r1', 'r2', 'r3']) await runs.create(sampleRunRecord({ runId }));
    const ofR2 = [
      sampleRecommendation({ customerId: 'c1', runId: 'r2', rank: 2, offerId: 'o2' }),
      sampleRecommendation({ customerId: 'c1', runId: 'r2', rank: 1 }),
    ];
    await recommendations.putAll([
      sampleRecommendation({ customerId: 'c1', runId: 'r1' }),
      ...ofR2,
      sampleRecommendation({ customerId: 'c1', runId: 'r3' }),
      sampleRecommendation({ customerId: 'c2', runId: 'r2' }),
    ]);
    await runs.publish('r1', sampleRunSummary(), '2026-11-21T00:00:00.000Z');
    await runs.publish('r2', sampleRunSummary(), '2026-11-22T00:00:00.000Z');

    // Act
    const result = await getCustomerRecommendations({ runs, recommendations }, 'c1');

    // Assess
    expect(result.customerId).toBe('c1');
    expect(result.runId).toBe('r2');
    expect(result.recommendations.map((r) => [r.runId, r.rank])).toEqual([
      ['r2', 1],
      ['r2', 2],
    ]);
  });

  it('answers an empty list (not an error) for a customer the plan left out', async () => {
    const runs = new InMemoryRunRepository();
    await runs.create(sampleRunRecord({ runId: 'r1' }));
    await runs.publish('r1', sampleRunSummary(), '2026-11-22T00:00:00.000Z');
    expect(
      await getCustomerRecommendations(
        { runs, recommendations: new InMemoryRecommendationRepository() },
        'c9',
      ),
    ).toEqual({ customerId: 'c9', runId: 'r1', recommendations: [] });
  });
});

describe('startRun', () => {
  let store: MemoryObjectStore;
  let starter: RecordingRunStarter;
  const now = () => new Date('2026-11-22T07:00:00.123Z');

  beforeEach(() => {
    store = new MemoryObjectStore({ versioned: true });
    starter = new RecordingRunStarter();
  });

  it('throws NotFoundError when the manifest is missing, starting nothing', async () => {
    await expect(
      startRun({ store, starter, landingBucket: LANDING, now }, { partner: 'acme', batchId: 'b1' }, 'maria'),
    ).rejects.toThrow(
      new NotFoundError(
        'no manifest at incoming/acme/b1/manifest.json; upload the batch and its manifest first',
      ),
    );
    expect(starter.started).toEqual([]);
  });

  it('starts a run named by a new run id with an API request pinned to the manifest version', async () => {
    // Prepare
    const { version } = store.put({ bucket: LANDING, key: 'incoming/acme/b1/manifest.json' }, '{}');

    // Act
    const result = await startRun(
      { store, starter, landingBucket: LANDING, now },
      { partner: 'acme', batchId: 'b1', budget: 900, sendDate: '2026-12-01' },
      'maria.marketing',
    );

    // Assess
    expect(result.status).toBe('RUNNING');
    expect(result.runId).toMatch(/^r\d{8}T\d{6}Z-[0-9a-f]{6}$/);
    expect(result.runId.startsWith('r20261122T070000Z-')).toBe(true);
    expect(starter.started).toEqual([
      {
        runId: result.runId,
        input: {
          source: API_SOURCE,
          bucket: LANDING,
          manifestKey: 'incoming/acme/b1/manifest.json',
          manifestVersion: version,
          requestedBy: 'maria.marketing',
          campaign: { budget: 900, sendDate: '2026-12-01' },
        },
      },
    ]);
  });

  it('sends no campaign without overrides, and a fresh run id each time', async () => {
    store.put({ bucket: LANDING, key: 'incoming/acme/b1/manifest.json' }, '{}');
    const a = await startRun(
      { store, starter, landingBucket: LANDING },
      { partner: 'acme', batchId: 'b1' },
      'u',
    );
    const b = await startRun(
      { store, starter, landingBucket: LANDING },
      { partner: 'acme', batchId: 'b1' },
      'u',
    );
    expect(starter.started[0]?.input).not.toHaveProperty('campaign');
    expect(a.runId).not.toBe(b.runId);
  });

  it('body schema refuses unknown fields and unsafe key segments', () => {
    expect(startRunBody.safeParse({ partner: 'acme', batchId: 'b1', seed: 3 }).success).toBe(false);
    expect(startRunBody.safeParse({ partner: '../acme', batchId: 'b1' }).success).toBe(false);
    expect(startRunBody.safeParse({ partner: 'acme', batchId: 'b1', holdoutFraction: 0.6 }).success).toBe(
      false,
    );
  });
});

describe('createUploadUrl', () => {
  const partner: Principal = { subject: 's', username: 'u', roles: ['partner'], partnerId: 'acme' };
  const now = () => new Date('2026-11-22T07:00:00.000Z');

  it('throws PermissionError for a user without a partner id, signing nothing', async () => {
    const signer = new RecordingUrlSigner();
    await expect(
      createUploadUrl(
        { signer, landingBucket: LANDING, now },
        { subject: 's', username: 'u', roles: ['partner'] },
        { batchId: 'b1', fileName: 'customers.csv', contentType: 'text/csv' },
      ),
    ).rejects.toBeInstanceOf(PermissionError);
    expect(signer.calls).toEqual([]);
  });

  it("signs a PUT under the caller's own partner prefix", async () => {
    const signer = new RecordingUrlSigner();

    const result = await createUploadUrl({ signer, landingBucket: LANDING, now }, partner, {
      batchId: 'b1',
      fileName: 'customers.csv',
      contentType: 'text/csv',
    });

    expect(signer.calls).toEqual([
      {
        bucket: LANDING,
        key: 'incoming/acme/b1/customers.csv',
        contentType: 'text/csv',
        expiresInSeconds: 900,
      },
    ]);
    expect(result).toEqual({
      method: 'PUT',
      url: `https://${LANDING}.s3.example/incoming/acme/b1/customers.csv?signed=1`,
      key: 'incoming/acme/b1/customers.csv',
      headers: { 'content-type': 'text/csv' },
      expiresAt: '2026-11-22T07:15:00.000Z',
    });
    expect(UPLOAD_URL_TTL_SECONDS).toBe(900);
  });

  it('ignores a partner named in the body: the key always uses the token’s partner id', async () => {
    const signer = new RecordingUrlSigner();
    const body = { batchId: 'b1', fileName: 'x.csv', contentType: 'text/csv' as const, partner: 'victim' };

    const result = await createUploadUrl({ signer, landingBucket: LANDING, now }, partner, body);

    expect(result.key).toBe('incoming/acme/b1/x.csv');
    // And at the HTTP boundary such a body is refused outright.
    expect(createUploadUrlBody.safeParse(body).success).toBe(false);
  });

  it.each([
    { batchId: '../other', fileName: 'x.csv' },
    { batchId: 'b1', fileName: '../../other/b1/x.csv' },
    { batchId: 'b1', fileName: 'sub/x.csv' },
    { batchId: 'b1', fileName: 'x.csv', contentType: 'text/html' },
  ])('the body schema refuses %j', (body) => {
    expect(createUploadUrlBody.safeParse(body).success).toBe(false);
  });

  it('defaults the content type to application/octet-stream', () => {
    expect(createUploadUrlBody.parse({ batchId: 'b1', fileName: 'x.bin' }).contentType).toBe(
      'application/octet-stream',
    );
  });
});
