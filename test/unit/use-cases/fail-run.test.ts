import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { FeaturesOutput, RunState, ValidateOutput } from '#shared/domain/runs/run-state';
import { failRun } from '#shared/use-cases/fail-run';
import {
  InMemoryRunRepository,
  MemoryObjectStore,
  sampleRunRecord,
  sampleRunState,
} from '../../support/fakes';

const LAKE = 'lake';
const NOW = new Date('2026-11-22T08:00:00.000Z');
const RUN_ID = 'r20261122T070000Z-abc123';

const rejection = {
  file: 'customers.csv',
  line: 12,
  column: 'email',
  rule: 'format',
  message: 'not an email address',
};
const rejected: ValidateOutput = { status: 'REJECTED', files: [], rejection };
const accepted: ValidateOutput = {
  status: 'ACCEPTED',
  files: [],
  asOf: '2026-11-21',
};
const features: FeaturesOutput = {
  scoringFeatures: { bucket: LAKE, key: 'a' },
  trainingSet: { bucket: LAKE, key: 'b' },
  catalog: { bucket: LAKE, key: 'c' },
  customers: 1,
  trainingRows: 1,
  queries: [],
};

function lambdaError(errorType: string, errorMessage: string): RunState['error'] {
  return { Error: errorType, Cause: JSON.stringify({ errorType, errorMessage, trace: ['at x (y.ts:1:1)'] }) };
}

describe('failRun', () => {
  let store: MemoryObjectStore;
  let runs: InMemoryRunRepository;
  const deps = () => ({ store, runs, lakeBucket: LAKE, now: () => NOW });

  beforeEach(async () => {
    store = new MemoryObjectStore();
    runs = new InMemoryRunRepository();
    await runs.create(sampleRunRecord({ runId: RUN_ID }));
  });

  describe('a rejected batch', () => {
    it('fails the run at validate with the rejection, and quarantines the offending file', async () => {
      // Prepare
      store.put({ bucket: 'landing', key: 'incoming/acme/b1/customers.csv' }, 'customer_id,email\n1,nope\n');
      const markFailed = vi.spyOn(runs, 'markFailed');
      const state = sampleRunState({ runId: RUN_ID, stages: { validate: rejected } });

      // Act
      const result = await failRun(state, deps());

      // Assess
      const failure = { stage: 'validate', errorType: 'InputRejected', ...rejection };
      expect(result).toEqual({ ...state, failure });
      expect(markFailed).toHaveBeenCalledWith(RUN_ID, failure, '2026-11-22T08:00:00.000Z');
      expect(await runs.get(RUN_ID)).toMatchObject({
        status: 'FAILED',
        failure,
        finishedAt: '2026-11-22T08:00:00.000Z',
      });
      expect(store.keys(LAKE)).toEqual([`${LAKE}/quarantine/acme/b1/${RUN_ID}/files/customers.csv`]);
      expect(store.text({ bucket: LAKE, key: `quarantine/acme/b1/${RUN_ID}/files/customers.csv` })).toBe(
        'customer_id,email\n1,nope\n',
      );
    });

    it('copies nothing when the file is not in the landing bucket', async () => {
      const copy = vi.spyOn(store, 'copy');
      const state = sampleRunState({ runId: RUN_ID, stages: { validate: rejected } });

      const result = await failRun(state, deps());

      expect(result.failure.errorType).toBe('InputRejected');
      expect(copy).not.toHaveBeenCalled();
      expect(store.keys(LAKE)).toEqual([]);
      expect((await runs.get(RUN_ID))?.status).toBe('FAILED');
    });
  });

  describe('a caught Lambda error', () => {
    it('keeps the message of an explained error type, at the first stage without output', async () => {
      const state = sampleRunState({
        runId: RUN_ID,
        stages: { validate: accepted },
        error: lambdaError('QueryFailedError', 'query customer_features failed: COLUMN_NOT_FOUND: x'),
      });

      const { failure } = await failRun(state, deps());

      expect(failure).toEqual({
        stage: 'features',
        errorType: 'QueryFailedError',
        file: 'features',
        rule: 'stage_failed',
        message: 'query customer_features failed: COLUMN_NOT_FOUND: x',
      });
      expect((await runs.get(RUN_ID))?.failure).toEqual(failure);
      expect(store.keys()).toEqual([]);
    });

    it('gives an unexplained error a generic message naming the stage and run, without its text', async () => {
      const state = sampleRunState({
        runId: RUN_ID,
        stages: { validate: accepted, features },
        error: lambdaError('TypeError', "Cannot read properties of undefined (reading 'secret')"),
      });

      const { failure } = await failRun(state, deps());

      expect(failure).toEqual({
        stage: 'segment',
        errorType: 'TypeError',
        file: 'segment',
        rule: 'stage_failed',
        message: `the segment stage failed unexpectedly (TypeError); the execution log of run ${RUN_ID} has the details`,
      });
      expect(failure.message).not.toContain('secret');
    });

    it('names validate (file "batch") when validation itself threw', async () => {
      const state = sampleRunState({
        runId: RUN_ID,
        error: lambdaError('InputRejectedError', 'manifest.json: bad (rule x)'),
      });
      const { failure } = await failRun(state, deps());
      expect(failure).toMatchObject({
        stage: 'validate',
        file: 'batch',
        message: 'manifest.json: bad (rule x)',
      });
    });

    it('treats a States.* error with a plain-text cause as unexplained', async () => {
      const state = sampleRunState({
        runId: RUN_ID,
        stages: { validate: accepted },
        error: { Error: 'States.Timeout', Cause: 'Task timed out after 900.00 seconds' },
      });
      const { failure } = await failRun(state, deps());
      expect(failure.errorType).toBe('States.Timeout');
      expect(failure.message).toBe(
        `the features stage failed unexpectedly (States.Timeout); the execution log of run ${RUN_ID} has the details`,
      );
    });

    it('reports Unknown when there is no caught error', async () => {
      const state = sampleRunState({ runId: RUN_ID, stages: { validate: accepted } });
      const { failure } = await failRun(state, deps());
      expect(failure.errorType).toBe('Unknown');
      expect(failure.stage).toBe('features');
    });
  });

  it('leaves a run that is no longer RUNNING as it is (safe to retry)', async () => {
    const state = sampleRunState({
      runId: RUN_ID,
      stages: { validate: accepted },
      error: lambdaError('QueryFailedError', 'first'),
    });
    await failRun(state, deps());

    await failRun(
      { ...state, error: lambdaError('QueryFailedError', 'second') },
      { ...deps(), now: () => new Date('2026-11-22T09:00:00Z') },
    );

    expect(await runs.get(RUN_ID)).toMatchObject({
      status: 'FAILED',
      failure: { message: 'first' },
      finishedAt: '2026-11-22T08:00:00.000Z',
    });
  });
});
