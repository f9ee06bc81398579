import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { adapters } from '#shared/adapters/aws/factories';
import { campaignDefaults, registerRunInput } from '#shared/domain/runs/run-requests';
import { requireEnv, requireJsonEnv } from '#shared/lambda/config';
import { logger } from '#shared/lambda/logger';
import { registerRun } from '#shared/use-cases/register-run';

const env = requireEnv(['runsTable', 'landingBucket']);
const defaults = requireJsonEnv('campaignDefaults', campaignDefaults);
const deps = {
  store: adapters.objectStore(),
  runs: adapters.runRepository(env.runsTable),
  landingBucket: env.landingBucket,
  defaults,
};

/** First state: turns the triggering event into a registered run, or marks it a duplicate. */
export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler((event: unknown) => registerRun(registerRunInput.parse(event), deps));
