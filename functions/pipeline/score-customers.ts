import { adapters } from '#shared/adapters/aws/factories';
import { requireEnv } from '#shared/lambda/config';
import { pipelineStage } from '#shared/lambda/pipeline-stage';
import { scoreRunCustomers } from '#shared/use-cases/score-customers';

const env = requireEnv(['runsTable', 'lakeBucket']);
const deps = { store: adapters.objectStore(), lakeBucket: env.lakeBucket };

export const handler = pipelineStage('score', adapters.runRepository(env.runsTable), (state) =>
  scoreRunCustomers(state, deps),
);
