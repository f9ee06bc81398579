import { adapters } from '#shared/adapters/aws/factories';
import { requireEnv } from '#shared/lambda/config';
import { pipelineStage } from '#shared/lambda/pipeline-stage';
import { buildFeatures } from '#shared/use-cases/build-features';

const env = requireEnv(['runsTable', 'lakeBucket', 'athenaWorkgroup', 'athenaDatabase']);
const deps = {
  store: adapters.objectStore(),
  queries: adapters.queryEngine(env.athenaWorkgroup, env.athenaDatabase),
  lakeBucket: env.lakeBucket,
};

export const handler = pipelineStage('features', adapters.runRepository(env.runsTable), (state) =>
  buildFeatures(state, deps),
);
