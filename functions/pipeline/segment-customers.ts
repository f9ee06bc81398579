import { adapters } from '#shared/adapters/aws/factories';
import { requireEnv } from '#shared/lambda/config';
import { pipelineStage } from '#shared/lambda/pipeline-stage';
import { segmentRunCustomers } from '#shared/use-cases/segment-customers';

const env = requireEnv(['runsTable', 'lakeBucket']);
const deps = { store: adapters.objectStore(), lakeBucket: env.lakeBucket };

export const handler = pipelineStage('segment', adapters.runRepository(env.runsTable), (state) =>
  segmentRunCustomers(state, deps),
);
