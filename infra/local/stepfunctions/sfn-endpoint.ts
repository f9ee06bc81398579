import { AwsApiError, type AwsJsonServer, startAwsJsonServer } from '../aws-json-server';
import { type Execution, ExecutionAlreadyExistsError, type LocalExecutions } from './local-executions';

const NAME = /^[A-Za-z0-9_-]{1,80}$/;
const epochSeconds = (d: Date | undefined) => (d ? d.getTime() / 1000 : undefined);

function describe(e: Execution) {
  return {
    executionArn: e.executionArn,
    stateMachineArn: e.stateMachineArn,
    name: e.name,
    status: e.status,
    startDate: epochSeconds(e.startDate),
    input: e.input,
    ...(e.stopDate ? { stopDate: epochSeconds(e.stopDate) } : {}),
    ...(e.output !== undefined ? { output: e.output } : {}),
    ...(e.error !== undefined ? { error: e.error } : {}),
    ...(e.cause !== undefined ? { cause: e.cause } : {}),
  };
}

/**
 * The Step Functions API (awsJson1_0) over the local executions, so unchanged SFNClient code,
 * the API's StartRun and the EventBridge bridge alike, start and inspect runs.
 */
export function startSfnEndpoint(executions: LocalExecutions, port?: number): Promise<AwsJsonServer> {
  const execution = (arn: unknown): Execution => {
    const found = typeof arn === 'string' ? executions.get(arn) : undefined;
    if (!found) throw new AwsApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${String(arn)}'`);
    return found;
  };
  return startAwsJsonServer({
    targetPrefix: 'AWSStepFunctions',
    contentType: 'application/x-amz-json-1.0',
    ...(port === undefined ? {} : { port }),
    operations: {
      StartExecution: (input) => {
        if (input.stateMachineArn !== executions.stateMachineArn) {
          throw new AwsApiError(
            'StateMachineDoesNotExist',
            `State Machine Does Not Exist: '${String(input.stateMachineArn)}'`,
          );
        }
        if (input.name !== undefined && (typeof input.name !== 'string' || !NAME.test(input.name))) {
          throw new AwsApiError('InvalidName', `Invalid Name: '${String(input.name)}'`);
        }
        const text = typeof input.input === 'string' ? input.input : '{}';
        try {
          JSON.parse(text);
        } catch {
          throw new AwsApiError('InvalidExecutionInput', 'Invalid Execution Input: not JSON');
        }
        try {
          const e = executions.start(text, input.name as string | undefined);
          return { executionArn: e.executionArn, startDate: epochSeconds(e.startDate) };
        } catch (error) {
          if (error instanceof ExecutionAlreadyExistsError)
            throw new AwsApiError('ExecutionAlreadyExists', error.message);
          throw error;
        }
      },
      DescribeExecution: (input) => describe(execution(input.executionArn)),
      ListExecutions: (input) => ({
        executions: executions
          .list()
          .filter((e) => input.statusFilter === undefined || e.status === input.statusFilter)
          .slice(0, typeof input.maxResults === 'number' && input.maxResults > 0 ? input.maxResults : 100)
          .map((e) => ({
            executionArn: e.executionArn,
            stateMachineArn: e.stateMachineArn,
            name: e.name,
            status: e.status,
            startDate: epochSeconds(e.startDate),
            ...(e.stopDate ? { stopDate: epochSeconds(e.stopDate) } : {}),
          })),
      }),
    },
  });
}
