import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ZodError } from 'zod';
import type { FeaturesOutput, RunState, ValidateOutput } from '#shared/domain/runs/run-state';
import { pipelineStage } from '#shared/lambda/pipeline-stage';
import { currentMeter } from '#shared/lambda/usage-meter';
import {
  deferred,
  fakeLambdaContext,
  InMemoryRunRepository,
  sampleRunRecord,
  sampleRunState,
} from '../../support/fakes';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});

const validated: ValidateOutput = {
  status: 'ACCEPTED',
  files: [],
  asOf: '2026-11-21',
};
const features: FeaturesOutput = {
  scoringFeatures: { bucket: 'lake', key: 'runs/r/features.csv' },
  trainingSet: { bucket: 'lake', key: 'runs/r/training.csv' },
  catalog: { bucket: 'lake', key: 'runs/r/catalog.json' },
  customers: 10,
  trainingRows: 20,
  queries: [],
};

describe('pipelineStage', () => {
  let runs: InMemoryRunRepository;
  let state: RunState;

  beforeEach(async () => {
    runs = new InMemoryRunRepository();
    state = sampleRunState({ stages: { validate: validated } });
    await runs.create(sampleRunRecord({ runId: state.runId }));
  });

  it('returns the state with the stage output added and earlier stages kept', async () => {
    // Prepare
    const useCase = vi.fn(async (_state: RunState) => ({ output: features, counts: { customers: 10 } }));
    const handler = pipelineStage('features', runs, useCase);

    // Act
    const result = await handler(state, fakeLambdaContext());

    // Assess
    expect(result).toEqual({ ...state, stages: { validate: validated, features } });
    expect(useCase).toHaveBeenCalledTimes(1);
    expect(useCase.mock.calls[0]?.[0]).toEqual(state);
  });

  it('records a SUCCEEDED stage with counts, duration and the usage of one invocation', async () => {
    const handler = pipelineStage('features', runs, async () => ({
      output: features,
      counts: { customers: 10 },
    }));

    await handler(state, fakeLambdaContext({ memoryLimitInMB: '1024' }));

    const record = (await runs.get(state.runId))?.stages.features;
    expect(record?.status).toBe('SUCCEEDED');
    expect(record?.counts).toEqual({ customers: 10 });
    expect(record?.durationMs).toBeGreaterThanOrEqual(0);
    expect(Date.parse(record?.finishedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(record?.startedAt ?? ''));
    expect(record?.usage).toMatchObject({
      lambdaInvocations: 1,
      lambdaMemoryMb: 1024,
      s3Requests: { get: 0, put: 0, list: 0, other: 0 },
      athenaQueries: 0,
    });
    expect(record?.usage.lambdaMs).toBeGreaterThanOrEqual(0);
    // The validate stage of the same run is not touched by recording features.
    expect(Object.keys((await runs.get(state.runId))?.stages ?? {})).toEqual(['features']);
  });

  it('records counts as {} when the use case reports none', async () => {
    const handler = pipelineStage('features', runs, async () => ({ output: features }));
    await handler(state, fakeLambdaContext());
    expect((await runs.get(state.runId))?.stages.features?.counts).toEqual({});
  });

  it('rejects an invalid state with a ZodError before running the use case or recording anything', async () => {
    const useCase = vi.fn(async () => ({ output: features }));
    const handler = pipelineStage('features', runs, useCase);

    await expect(handler({ runId: 'has spaces', stages: {} }, fakeLambdaContext())).rejects.toBeInstanceOf(
      ZodError,
    );
    expect(useCase).not.toHaveBeenCalled();
    expect((await runs.get(state.runId))?.stages).toEqual({});
  });

  it('records FAILED and rethrows the very error when the use case throws', async () => {
    const boom = new Error('boom');
    const handler = pipelineStage('features', runs, async () => {
      currentMeter()?.athenaQuery(2048);
      throw boom;
    });

    await expect(handler(state, fakeLambdaContext())).rejects.toBe(boom);

    const record = (await runs.get(state.runId))?.stages.features;
    expect(record?.status).toBe('FAILED');
    expect(record?.counts).toEqual({});
    // Usage up to the failure is still recorded.
    expect(record?.usage.athenaQueries).toBe(1);
    expect(record?.usage.athenaBytesScanned).toBe(2048);
  });

  it('still rethrows the use case error when recording the failure fails too', async () => {
    const boom = new Error('use case failed');
    vi.spyOn(runs, 'recordStage').mockRejectedValue(new Error('dynamodb down'));
    const handler = pipelineStage('features', runs, async () => {
      throw boom;
    });

    await expect(handler(state, fakeLambdaContext())).rejects.toBe(boom);
  });

  it('puts the usage the use case reports through currentMeter() on the stage record', async () => {
    const handler = pipelineStage('features', runs, async (_state, context) => {
      currentMeter()?.s3Request('put', 10);
      currentMeter()?.s3Request('get');
      currentMeter()?.athenaQuery(1_000);
      currentMeter()?.dynamodb(1.5, 2);
      // usageSoFar sees what has been reported so far.
      expect(context.usageSoFar().s3Requests.put).toBe(1);
      return { output: features };
    });

    await handler(state, fakeLambdaContext());

    expect((await runs.get(state.runId))?.stages.features?.usage).toMatchObject({
      s3Requests: { get: 1, put: 1, list: 0, other: 0 },
      s3BytesWritten: 10,
      athenaQueries: 1,
      athenaBytesScanned: 1_000,
      dynamodbReadUnits: 1.5,
      dynamodbWriteUnits: 2,
    });
  });

  it('keeps the meters of two concurrent invocations apart', async () => {
    // Prepare: two runs whose use cases interleave: A reports, waits for B to report, reports again.
    const stateB = sampleRunState({ runId: 'r-b', stages: { validate: validated } });
    await runs.create(sampleRunRecord({ runId: 'r-b' }));
    const aStarted = deferred();
    const bReported = deferred();
    const handler = pipelineStage('features', runs, async (s) => {
      if (s.runId === state.runId) {
        currentMeter()?.s3Request('put', 100);
        aStarted.resolve();
        await bReported.promise;
        currentMeter()?.s3Request('put', 100);
      } else {
        await aStarted.promise;
        currentMeter()?.s3Request('get');
        currentMeter()?.s3Request('list');
        currentMeter()?.s3Request('list');
        bReported.resolve();
      }
      return { output: features };
    });

    // Act
    await Promise.all([handler(state, fakeLambdaContext()), handler(stateB, fakeLambdaContext())]);

    // Assess
    const a = (await runs.get(state.runId))?.stages.features?.usage;
    const b = (await runs.get('r-b'))?.stages.features?.usage;
    expect(a?.s3Requests).toEqual({ get: 0, put: 2, list: 0, other: 0 });
    expect(a?.s3BytesWritten).toBe(200);
    expect(b?.s3Requests).toEqual({ get: 1, put: 0, list: 2, other: 0 });
    expect(b?.s3BytesWritten).toBe(0);
  });

  it('has no meter outside an invocation', () => {
    expect(currentMeter()).toBeUndefined();
  });
});
