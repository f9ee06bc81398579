import { adapters } from '#shared/adapters/aws/factories';
import { requireEnv, requireJsonEnv } from '#shared/lambda/config';
import { pipelineStage } from '#shared/lambda/pipeline-stage';
import { intakeLimits } from '#shared/use-cases/intake/validate-file';
import { validateBatch } from '#shared/use-cases/validate-batch';

const env = requireEnv(['runsTable', 'lakeBucket']);
const limits = requireJsonEnv('intakeLimits', intakeLimits);
const store = adapters.objectStore();
const runs = adapters.runRepository(env.runsTable);

export const handler = pipelineStage('validate', runs, (state) =>
  validateBatch(state, { store, runs, lakeBucket: env.lakeBucket, limits }),
);
