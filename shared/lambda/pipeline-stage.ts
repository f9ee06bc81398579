import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { StageRecord, Usage } from '../domain/runs/run-record';
import { type RunState, runState, type StageName, type StageOutputs } from '../domain/runs/run-state';
import type { RunRepository } from '../ports/run-repository';
import { logger } from './logger';
import { UsageMeter, withUsageMeter } from './usage-meter';

export interface StageContext {
  /** The AWS usage of this invocation so far, for a stage that reports on itself. */
  usageSoFar(): Usage;
}

export interface StageResult<S extends StageName> {
  readonly output: StageOutputs[S];
  /** Row or item counts shown on the run record, e.g. `{ customers: 10000 }`. */
  readonly counts?: Record<string, number>;
}

/**
 * Wraps one pipeline stage as a Lambda handler: parses the run state, runs the use case under a
 * usage meter, records the stage's timing, counts and AWS usage on the run, and returns the state
 * with the stage's output added. The state machine owns the order; a stage only adds its output.
 */
export function pipelineStage<S extends StageName>(
  stage: S,
  runs: RunRepository,
  useCase: (state: RunState, context: StageContext) => Promise<StageResult<S>>,
) {
  return middy<unknown, RunState, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event, context) => {
      const state = runState.parse(event);
      logger.appendKeys({ runId: state.runId, stage });
      const startedAt = Date.now();
      const memoryMb = Number(context.memoryLimitInMB);
      const meter = new UsageMeter();
      const usageUntil = (at: number): Usage => meter.snapshot(at - startedAt, memoryMb);
      const usageSoFar = (): Usage => usageUntil(Date.now());
      const record = (status: StageRecord['status'], counts: Record<string, number> = {}): Promise<void> => {
        const finishedAt = Date.now();
        return runs.recordStage(state.runId, stage, {
          status,
          startedAt: new Date(startedAt).toISOString(),
          finishedAt: new Date(finishedAt).toISOString(),
          durationMs: finishedAt - startedAt,
          counts,
          usage: usageUntil(finishedAt),
        });
      };
      try {
        const result = await withUsageMeter(meter, () => useCase(state, { usageSoFar }));
        await record('SUCCEEDED', result.counts);
        logger.info('stage succeeded', { counts: result.counts, durationMs: Date.now() - startedAt });
        return { ...state, stages: { ...state.stages, [stage]: result.output } };
      } catch (error) {
        // The state machine's Catch routes to FailRun; the stage record only adds the timing.
        await record('FAILED').catch((recordError: unknown) =>
          logger.error('could not record the failed stage', { error: recordError }),
        );
        throw error;
      }
    });
}
