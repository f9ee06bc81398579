import { adapters } from '#shared/adapters/aws/factories';
import { apiRoutes } from '#shared/api/routes';
import { requireEnv } from '#shared/lambda/config';
import { httpRoute } from '#shared/lambda/http-route';
import { startRun, startRunBody } from '#shared/use-cases/api/start-run';

const env = requireEnv(['landingBucket', 'stateMachineArn']);
const deps = {
  store: adapters.objectStore(),
  starter: adapters.runStarter(env.stateMachineArn),
  landingBucket: env.landingBucket,
};

export const handler = httpRoute(apiRoutes.startRun, { body: startRunBody }, async ({ body, principal }) => ({
  status: 202,
  body: await startRun(deps, body, principal.username),
}));
