import { adapters } from '#shared/adapters/aws/factories';
import { requireEnv, requireJsonEnv } from '#shared/lambda/config';
import { pipelineStage } from '#shared/lambda/pipeline-stage';
import { intakeLimits } from '#shared/use-cases/intake/validate-file';
import { validateBatch } from '#shared/use-cases/validate-batch';

const env = requireEnv(['runsTable', 'lakeBucket', 'piiKeySecret']);
const limits = requireJsonEnv('intakeLimits', intakeLimits);
const secrets = adapters.secretSource();
// Fetched on the first invocation and kept: importing the handler does no I/O, and a failed
// fetch is forgotten so the next invocation tries again.
let piiKey: Promise<Uint8Array> | undefined;
const loadPiiKey = (): Promise<Uint8Array> => {
  piiKey ??= secrets.get(env.piiKeySecret).then(
    (text) => Buffer.from(text, 'utf8'),
    (error: unknown) => {
      piiKey = undefined;
      throw error;
    },
  );
  return piiKey;
};
const store = adapters.objectStore();
const runs = adapters.runRepository(env.runsTable);

export const handler = pipelineStage('validate', runs, async (state) =>
  validateBatch(state, { store, runs, lakeBucket: env.lakeBucket, limits, piiKey: await loadPiiKey() }),
);
