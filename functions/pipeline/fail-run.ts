import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { adapters } from '#shared/adapters/aws/factories';
import { runState } from '#shared/domain/runs/run-state';
import { requireEnv } from '#shared/lambda/config';
import { logger } from '#shared/lambda/logger';
import { failRun } from '#shared/use-cases/fail-run';

const env = requireEnv(['runsTable', 'lakeBucket']);
const deps = {
  store: adapters.objectStore(),
  runs: adapters.runRepository(env.runsTable),
  lakeBucket: env.lakeBucket,
};

/** Reached from a rejected batch or any stage's Catch: records why the run failed. */
export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler((event: unknown) => failRun(runState.parse(event), deps));
