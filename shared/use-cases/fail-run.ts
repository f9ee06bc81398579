import { z } from 'zod';
import { batchPrefix } from '../domain/contracts/manifest';
import type { Failure } from '../domain/runs/run-record';
import { type RunState, STAGES } from '../domain/runs/run-state';
import type { ObjectStore } from '../ports/object-store';
import type { RunRepository } from '../ports/run-repository';
import { quarantinePrefix } from './validate-batch';

export interface FailRunDeps {
  readonly store: ObjectStore;
  readonly runs: RunRepository;
  readonly lakeBucket: string;
  readonly now?: () => Date;
}

/** Errors whose messages are written for people; any other error's message stays in the logs. */
const EXPLAINED_ERRORS = new Set([
  'InputRejectedError',
  'QueryFailedError',
  'ConfigurationError',
  'NoRandomizedHistoryError',
  'ResponseModelError',
  'AllocationProblemError',
]);

/** A Lambda error's Cause, as Step Functions delivers it to a Catch. */
const lambdaCause = z.object({ errorType: z.string(), errorMessage: z.string() });

function failureFrom(state: RunState): Failure {
  const rejection = state.stages.validate?.rejection;
  if (state.stages.validate?.status === 'REJECTED' && rejection) {
    return { stage: 'validate', errorType: 'InputRejected', ...rejection };
  }
  const stage = STAGES.find((s) => state.stages[s] === undefined) ?? 'publish';
  const caught = state.error;
  let errorType = caught?.Error ?? 'Unknown';
  let detail: string | undefined;
  try {
    const cause = lambdaCause.parse(JSON.parse(caught?.Cause ?? ''));
    errorType = cause.errorType;
    detail = cause.errorMessage;
  } catch {
    detail = caught?.Cause;
  }
  const message =
    EXPLAINED_ERRORS.has(errorType) && detail
      ? detail
      : `the ${stage} stage failed unexpectedly (${errorType}); the execution log of run ${state.runId} has the details`;
  return { stage, errorType, file: stage === 'validate' ? 'batch' : stage, rule: 'stage_failed', message };
}

/**
 * Ends a run as FAILED with a reason a person can act on, and keeps the file that caused it in
 * quarantine next to the refused rows. Safe to retry: a run already marked FAILED stays as it is.
 */
export async function failRun(state: RunState, deps: FailRunDeps): Promise<RunState & { failure: Failure }> {
  const failure = failureFrom(state);
  if (failure.errorType === 'InputRejected' && failure.file) {
    const source = {
      bucket: state.batch.bucket,
      key: batchPrefix(state.batch.partner, state.batch.batchId) + failure.file,
    };
    if (await deps.store.head(source)) {
      await deps.store.copy(source, {
        bucket: deps.lakeBucket,
        key: `${quarantinePrefix(state)}files/${failure.file}`,
      });
    }
  }
  await deps.runs.markFailed(state.runId, failure, (deps.now?.() ?? new Date()).toISOString());
  return { ...state, failure };
}
