import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SfnRunStarter } from '#shared/adapters/aws/sfn-run-starter';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.AWS_REGION = 'us-east-1';

const sfnMock = mockClient(SFNClient);
const ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:campaign-run';

describe('SfnRunStarter', () => {
  beforeEach(() => {
    sfnMock.reset();
  });

  it('starts an execution named by the run id with the input as JSON', async () => {
    const executionArn = 'arn:aws:states:us-east-1:000000000000:execution:campaign-run:r1';
    sfnMock.on(StartExecutionCommand).resolves({ executionArn, startDate: new Date() });
    const starter = new SfnRunStarter(new SFNClient({ region: 'us-east-1' }), ARN);

    const result = await starter.start('r1', { source: 'campaign-optimizer.api', budget: 5 });

    expect(result).toEqual({ executionArn });
    const calls = sfnMock.commandCalls(StartExecutionCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({
      stateMachineArn: ARN,
      name: 'r1',
      input: '{"source":"campaign-optimizer.api","budget":5}',
    });
  });

  it('passes Step Functions errors on', async () => {
    const error = new ExecutionAlreadyExists({ message: 'exists', $metadata: {} });
    sfnMock.on(StartExecutionCommand).rejects(error);
    const starter = new SfnRunStarter(new SFNClient({ region: 'us-east-1' }), ARN);
    await expect(starter.start('r1', {})).rejects.toBe(error);
  });
});
