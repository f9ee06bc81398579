import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { CampaignDefaults, RegisterRunInput } from '#shared/domain/runs/run-requests';
import { NoBatchError, registerRun } from '#shared/use-cases/register-run';
import { InMemoryRunRepository, MemoryObjectStore } from '../../support/fakes';

const LANDING = 'landing';
const MANIFEST = 'incoming/acme/b1/manifest.json';
const defaults: CampaignDefaults = {
  budget: 2500,
  holdoutFraction: 0.05,
  seed: 20261122,
  currency: 'EUR',
  sendLeadDays: 7,
};
const STARTED_AT = '2026-11-22T07:00:00Z';

function s3Event(
  key: string,
  object: { etag?: string; 'version-id'?: string } = { etag: 'etag-1' },
  runId = 'r1',
): RegisterRunInput {
  return {
    event: {
      source: 'aws.s3',
      'detail-type': 'Object Created',
      detail: { bucket: { name: LANDING }, object: { key, ...object } },
    },
    runId,
    startedAt: STARTED_AT,
  };
}

function manifestJson(campaign?: Record<string, unknown>): string {
  return JSON.stringify({
    manifestVersion: 1,
    partner: 'acme',
    batchId: 'b1',
    ...(campaign ? { campaign } : {}),
    files: [],
  });
}

describe('registerRun', () => {
  let store: MemoryObjectStore;
  let runs: InMemoryRunRepository;
  const deps = () => ({ store, runs, landingBucket: LANDING, defaults });

  beforeEach(() => {
    store = new MemoryObjectStore({ versioned: true });
    runs = new InMemoryRunRepository();
  });

  describe('from an S3 event', () => {
    it('registers a RUNNING run with trigger s3, the batch from the key and the version id', async () => {
      // Prepare
      const { version } = store.put({ bucket: LANDING, key: MANIFEST }, manifestJson());

      // Act
      const state = await registerRun(s3Event(MANIFEST, { etag: 'e', 'version-id': version }), deps());

      // Assess
      const batch = {
        bucket: LANDING,
        manifestKey: MANIFEST,
        manifestVersion: version,
        partner: 'acme',
        batchId: 'b1',
      };
      const campaign = {
        budget: 2500,
        holdoutFraction: 0.05,
        sendDate: '2026-11-29',
        seed: 20261122,
        currency: 'EUR',
      };
      expect(state).toEqual({
        runId: 'r1',
        trigger: { source: 's3' },
        batch,
        campaign,
        startedAt: '2026-11-22T07:00:00.000Z',
        stages: {},
      });
      expect(await runs.get('r1')).toEqual({
        runId: 'r1',
        status: 'RUNNING',
        trigger: { source: 's3' },
        batch,
        campaign,
        startedAt: '2026-11-22T07:00:00.000Z',
        stages: {},
        files: [],
      });
      expect([...runs.claims.entries()]).toEqual([[`${LANDING}/${MANIFEST}#${version}`, 'r1']]);
    });

    it('pins the run to the ETag when the event has no version id', async () => {
      const state = await registerRun(s3Event(MANIFEST, { etag: 'abc' }), deps());
      expect(state.batch.manifestVersion).toBe('abc');
    });

    it('asks S3 for the version when the event carries neither version id nor ETag', async () => {
      const { version } = store.put({ bucket: LANDING, key: MANIFEST }, manifestJson());
      const state = await registerRun(s3Event(MANIFEST, {}), deps());
      expect(state.batch.manifestVersion).toBe(version);
    });

    it('refuses an event for a manifest that no longer exists and carries no version', async () => {
      await expect(registerRun(s3Event(MANIFEST, {}), deps())).rejects.toThrow(
        `s3://${LANDING}/${MANIFEST} no longer exists`,
      );
    });

    it.each([
      'incoming/acme/b1/customers.csv',
      'incoming/acme/manifest.json',
      'incoming/acme/b1/sub/manifest.json',
      'other/acme/b1/manifest.json',
    ])('refuses %s with NoBatchError, registering nothing', async (key) => {
      const attempt = registerRun(s3Event(key), deps());
      await expect(attempt).rejects.toBeInstanceOf(NoBatchError);
      await expect(attempt).rejects.toThrow('is not a batch manifest');
      expect(runs.runs.size).toBe(0);
      expect(runs.claims.size).toBe(0);
    });
  });

  describe('campaign settings', () => {
    it('takes the request first, then the manifest, then the defaults', async () => {
      // Prepare: the manifest sets budget, holdout and send date; the request overrides the budget.
      const { version } = store.put(
        { bucket: LANDING, key: MANIFEST },
        manifestJson({ budget: 1000, holdoutFraction: 0.2, sendDate: '2026-12-01', priorUpliftShare: 0.25 }),
      );
      const input: RegisterRunInput = {
        event: {
          source: 'campaign-optimizer.api',
          bucket: LANDING,
          manifestKey: MANIFEST,
          manifestVersion: version,
          requestedBy: 'maria.marketing',
          campaign: { budget: 500 },
        },
        runId: 'r1',
        startedAt: STARTED_AT,
      };

      // Act
      const state = await registerRun(input, deps());

      // Assess
      expect(state.campaign).toEqual({
        budget: 500,
        holdoutFraction: 0.2,
        sendDate: '2026-12-01',
        seed: 20261122,
        currency: 'EUR',
        priorUpliftShare: 0.25,
      });
    });

    it('uses the manifest campaign over the defaults, the send date defaulting to start + sendLeadDays', async () => {
      const { version } = store.put({ bucket: LANDING, key: MANIFEST }, manifestJson({ budget: 1000 }));
      const state = await registerRun(s3Event(MANIFEST, { 'version-id': version }), {
        ...deps(),
        defaults: { ...defaults, sendLeadDays: 10 },
      });
      expect(state.campaign).toEqual({
        budget: 1000,
        holdoutFraction: 0.05,
        sendDate: '2026-12-02',
        seed: 20261122,
        currency: 'EUR',
      });
    });

    it('reads the pinned manifest version, not a newer upload', async () => {
      const { version: first } = store.put({ bucket: LANDING, key: MANIFEST }, manifestJson({ budget: 111 }));
      store.put({ bucket: LANDING, key: MANIFEST }, manifestJson({ budget: 999 }));
      const state = await registerRun(s3Event(MANIFEST, { 'version-id': first }), deps());
      expect(state.campaign.budget).toBe(111);
    });

    it.each([
      ['not JSON', '{"campaign":'],
      ['an invalid campaign', manifestJson({ budget: -5 })],
      ['an unknown campaign field', manifestJson({ budget: 10, colour: 'red' })],
    ])(
      'falls back to the defaults for a manifest with %s (validation reports it later)',
      async (_label, body) => {
        const { version } = store.put({ bucket: LANDING, key: MANIFEST }, body);
        const state = await registerRun(s3Event(MANIFEST, { 'version-id': version }), deps());
        expect(state.campaign.budget).toBe(2500);
        expect((await runs.get('r1'))?.status).toBe('RUNNING');
      },
    );
  });

  describe('one run per manifest version', () => {
    it('registers the same manifest version a second time as DUPLICATE of the first', async () => {
      const { version } = store.put({ bucket: LANDING, key: MANIFEST }, manifestJson());
      await registerRun(s3Event(MANIFEST, { 'version-id': version }, 'r1'), deps());

      const second = await registerRun(
        { ...s3Event(MANIFEST, { 'version-id': version }, 'r2'), startedAt: '2026-11-22T07:05:00Z' },
        deps(),
      );

      expect(second.duplicateOf).toBe('r1');
      expect(await runs.get('r2')).toMatchObject({
        status: 'DUPLICATE',
        duplicateOf: 'r1',
        finishedAt: '2026-11-22T07:05:00.000Z',
      });
      expect((await runs.get('r1'))?.status).toBe('RUNNING');
    });

    it('gives a new manifest version its own run', async () => {
      const { version: v1 } = store.put({ bucket: LANDING, key: MANIFEST }, manifestJson());
      const { version: v2 } = store.put({ bucket: LANDING, key: MANIFEST }, manifestJson({ budget: 3 }));
      await registerRun(s3Event(MANIFEST, { 'version-id': v1 }, 'r1'), deps());
      const second = await registerRun(s3Event(MANIFEST, { 'version-id': v2 }, 'r2'), deps());
      expect(second.duplicateOf).toBeUndefined();
      expect((await runs.get('r2'))?.status).toBe('RUNNING');
    });

    it('does not treat a retry of the same run id as a duplicate', async () => {
      const { version } = store.put({ bucket: LANDING, key: MANIFEST }, manifestJson());
      await registerRun(s3Event(MANIFEST, { 'version-id': version }, 'r1'), deps());

      const retry = await registerRun(s3Event(MANIFEST, { 'version-id': version }, 'r1'), deps());

      expect(retry.duplicateOf).toBeUndefined();
      expect((await runs.get('r1'))?.status).toBe('RUNNING');
      expect(runs.runs.size).toBe(1);
    });

    it('lets a new run take over the claim of a run that FAILED', async () => {
      const { version } = store.put({ bucket: LANDING, key: MANIFEST }, manifestJson());
      await registerRun(s3Event(MANIFEST, { 'version-id': version }, 'r1'), deps());
      await runs.markFailed(
        'r1',
        { stage: 'features', errorType: 'TypeError', file: 'features', rule: 'stage_failed', message: 'x' },
        '2026-11-22T07:01:00.000Z',
      );
      const claimBatch = vi.spyOn(runs, 'claimBatch');

      const retry = await registerRun(s3Event(MANIFEST, { 'version-id': version }, 'r2'), deps());

      expect(retry.duplicateOf).toBeUndefined();
      expect((await runs.get('r2'))?.status).toBe('RUNNING');
      const claimKey = `${LANDING}/${MANIFEST}#${version}`;
      expect(claimBatch.mock.calls).toEqual([
        [claimKey, 'r2'],
        [claimKey, 'r2', 'r1'],
      ]);
      expect(runs.claims.get(claimKey)).toBe('r2');
    });

    it('is a duplicate of whoever took over a failed run’s claim first', async () => {
      const { version } = store.put({ bucket: LANDING, key: MANIFEST }, manifestJson());
      await registerRun(s3Event(MANIFEST, { 'version-id': version }, 'r1'), deps());
      await runs.markFailed(
        'r1',
        { stage: 'validate', errorType: 'X', file: 'batch', rule: 'stage_failed', message: 'x' },
        '2026-11-22T07:01:00.000Z',
      );
      // r3 takes over between r2's first claim attempt and its take-over.
      const original = runs.claimBatch.bind(runs);
      vi.spyOn(runs, 'claimBatch').mockImplementation(async (key, runId, replacing) => {
        if (replacing) await original(key, 'r3', replacing);
        return original(key, runId, replacing);
      });

      const state = await registerRun(s3Event(MANIFEST, { 'version-id': version }, 'r2'), deps());

      expect(state.duplicateOf).toBe('r3');
      expect((await runs.get('r2'))?.status).toBe('DUPLICATE');
    });

    it('stays a duplicate of a run that SUCCEEDED', async () => {
      const { version } = store.put({ bucket: LANDING, key: MANIFEST }, manifestJson());
      await registerRun(s3Event(MANIFEST, { 'version-id': version }, 'r1'), deps());
      const r1 = runs.runs.get('r1');
      if (r1) r1.status = 'SUCCEEDED';

      const state = await registerRun(s3Event(MANIFEST, { 'version-id': version }, 'r2'), deps());

      expect(state.duplicateOf).toBe('r1');
      expect(runs.claims.get(`${LANDING}/${MANIFEST}#${version}`)).toBe('r1');
    });
  });

  describe('from a schedule', () => {
    const scheduled = (runId: string, scheduledAt = '2026-11-23T05:00:00Z'): RegisterRunInput => ({
      event: {
        source: 'campaign-optimizer.schedule',
        scheduleName: 'weekly-campaign-run',
        scheduledAt,
        partner: 'acme',
      },
      runId,
      startedAt: STARTED_AT,
    });

    it("plans on the partner's most recent manifest and claims by schedule name and time", async () => {
      // Prepare: b2's manifest is the newest manifest; a newer data file and another partner don't count.
      store.put({ bucket: LANDING, key: 'incoming/acme/b1/manifest.json' }, manifestJson({ budget: 1 }), {
        lastModified: new Date('2026-11-01T00:00:00Z'),
      });
      store.put({ bucket: LANDING, key: 'incoming/acme/b2/manifest.json' }, manifestJson({ budget: 2 }), {
        lastModified: new Date('2026-11-10T00:00:00Z'),
      });
      store.put({ bucket: LANDING, key: 'incoming/acme/b3/customers.csv' }, 'x', {
        lastModified: new Date('2026-11-20T00:00:00Z'),
      });
      store.put({ bucket: LANDING, key: 'incoming/other/b9/manifest.json' }, manifestJson(), {
        lastModified: new Date('2026-11-21T00:00:00Z'),
      });

      // Act
      const state = await registerRun(scheduled('r1'), deps());

      // Assess
      expect(state.trigger).toEqual({
        source: 'schedule',
        scheduleName: 'weekly-campaign-run',
        scheduledAt: '2026-11-23T05:00:00Z',
      });
      expect(state.batch).toMatchObject({
        manifestKey: 'incoming/acme/b2/manifest.json',
        partner: 'acme',
        batchId: 'b2',
      });
      // A listing gives the ETag, and the run reads the manifest pinned to it.
      expect(state.batch.manifestVersion).toMatch(/^[0-9a-f]{32}$/);
      expect(state.campaign.budget).toBe(2);
      expect([...runs.claims.keys()]).toEqual(['schedule/weekly-campaign-run#2026-11-23T05:00:00Z']);
    });

    it('re-plans the same batch on the next schedule time, but a repeat of the same time is a duplicate', async () => {
      store.put({ bucket: LANDING, key: MANIFEST }, manifestJson());

      await registerRun(scheduled('r1'), deps());
      const repeat = await registerRun(scheduled('r2'), deps());
      const nextWeek = await registerRun(scheduled('r3', '2026-11-30T05:00:00Z'), deps());

      expect(repeat.duplicateOf).toBe('r1');
      expect(nextWeek.duplicateOf).toBeUndefined();
      expect(nextWeek.batch.manifestKey).toBe(MANIFEST);
    });

    it('refuses with NoBatchError when the partner has no manifest', async () => {
      store.put({ bucket: LANDING, key: 'incoming/acme/b1/customers.csv' }, 'x');
      await expect(registerRun(scheduled('r1'), deps())).rejects.toThrow(
        new NoBatchError('partner acme has not uploaded a batch manifest yet'),
      );
    });
  });

  it('carries requestedBy on an API trigger', async () => {
    const { version } = store.put({ bucket: LANDING, key: MANIFEST }, manifestJson());
    const state = await registerRun(
      {
        event: {
          source: 'campaign-optimizer.api',
          bucket: LANDING,
          manifestKey: MANIFEST,
          manifestVersion: version,
          requestedBy: 'maria.marketing',
        },
        runId: 'r1',
        startedAt: STARTED_AT,
      },
      deps(),
    );
    expect(state.trigger).toEqual({ source: 'api', requestedBy: 'maria.marketing' });
    expect((await runs.get('r1'))?.trigger).toEqual({ source: 'api', requestedBy: 'maria.marketing' });
  });
});
