import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  InvalidExecutionInput,
  InvalidName,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
} from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LambdaInvocationError, LocalLambdaRuntime } from '#infra/local/lambda-runtime';
import { type LocalStack, startLocalStack } from '#infra/local/stack';
import { DynamoDbRunRepository } from '#shared/adapters/aws/dynamodb-run-repository';
import { API_SOURCE } from '#shared/domain/runs/run-requests';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

let stack: LocalStack;
let sfn: SFNClient;
let doc: DynamoDBDocumentClient;
let runs: DynamoDbRunRepository;
const savedEnv = { ...process.env };

beforeAll(async () => {
  stack = await startLocalStack({
    root: ROOT,
    workDir: mkdtempSync(join(tmpdir(), 'sfn-it-')),
    logLevel: 'SILENT',
  });
  // Unchanged SDK client code, pointed at the local endpoint.
  sfn = new SFNClient({ endpoint: stack.endpoints.sfn, region: 'us-east-1', credentials });
  doc = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: stack.endpoints.dynamodb, region: 'us-east-1', credentials }),
  );
  runs = new DynamoDbRunRepository(doc, stack.resources.runsTable);
});

afterAll(async () => {
  sfn?.destroy();
  doc?.destroy();
  await stack?.stop();
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
  Object.assign(process.env, savedEnv);
});

/** Polls DescribeExecution until the execution has stopped (the test timeout bounds the wait). */
async function finished(executionArn: string): Promise<DescribeExecutionCommandOutput> {
  for (;;) {
    const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (execution.status !== 'RUNNING') return execution;
    await sleep(100);
  }
}

async function start(name: string | undefined, input: unknown) {
  return sfn.send(
    new StartExecutionCommand({
      stateMachineArn: stack.resources.stateMachineArn,
      ...(name === undefined ? {} : { name }),
      input: typeof input === 'string' ? input : JSON.stringify(input),
    }),
  );
}

describe('local Step Functions endpoint', () => {
  it('fails an execution whose input RegisterRun rejects, with the Lambda error as Error and Cause', async () => {
    // Act
    const { executionArn } = await start('bad-input-1', {});
    const execution = await finished(executionArn ?? '');

    // Assess: RegisterRun has no Catch, so its error ends the execution as Lambda reported it.
    expect(execution.status).toBe('FAILED');
    expect(execution.name).toBe('bad-input-1');
    expect(execution.input).toBe('{}');
    expect(execution.error).toBe('ZodError');
    const cause = JSON.parse(execution.cause ?? '') as {
      errorType: string;
      errorMessage: string;
      trace: unknown;
    };
    expect(cause.errorType).toBe('ZodError');
    expect(cause.errorMessage).toContain('invalid_union');
    expect(Array.isArray(cause.trace)).toBe(true);
    expect(execution.stopDate?.getTime()).toBeGreaterThanOrEqual(execution.startDate?.getTime() ?? Infinity);
    // Nothing was registered.
    expect(await runs.get('bad-input-1')).toBeUndefined();
  });

  it('registers a run for a manifest that does not exist, then rejects it at validate with the reason', async () => {
    // An API-shaped request for a key nobody uploaded (StartRun checks first; a direct
    // StartExecution or a manifest deleted in between does not).
    const runId = 'r-missing-manifest-1';
    const { executionArn } = await start(runId, {
      source: API_SOURCE,
      bucket: stack.resources.landingBucket,
      manifestKey: 'incoming/acme/nothing/manifest.json',
      manifestVersion: '0123456789abcdef0123456789abcdef',
      requestedBy: 'tester',
    });
    const execution = await finished(executionArn ?? '');

    // The rejection path: ValidateBatch reports the missing manifest, RecordFailure, then RunFailed.
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('CampaignRunFailed');
    const run = await runs.get(runId);
    expect(run).toMatchObject({
      runId,
      status: 'FAILED',
      trigger: { source: 'api', requestedBy: 'tester' },
      batch: { partner: 'acme', batchId: 'nothing' },
      failure: { stage: 'validate', file: 'manifest.json', rule: 'manifest_missing' },
    });
    expect(run?.failure?.message).toBe('there is no manifest at incoming/acme/nothing/manifest.json');
    expect(run?.stages.validate?.status).toBe('SUCCEEDED');
    expect(execution.cause).toBe(run?.failure?.message);
  });

  it('refuses a reused name with different input, and with the same input once stopped', async () => {
    const { executionArn } = await start('dup-1', {});
    await finished(executionArn ?? '');

    await expect(start('dup-1', { other: true })).rejects.toBeInstanceOf(ExecutionAlreadyExists);
    await expect(start('dup-1', {})).rejects.toBeInstanceOf(ExecutionAlreadyExists);
  });

  it('lists executions, newest first, filtered by status', async () => {
    const { executionArn } = await start('listed-1', {});
    await finished(executionArn ?? '');

    const all = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: stack.resources.stateMachineArn }),
    );
    const failed = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: stack.resources.stateMachineArn, statusFilter: 'FAILED' }),
    );
    const succeeded = await sfn.send(
      new ListExecutionsCommand({
        stateMachineArn: stack.resources.stateMachineArn,
        statusFilter: 'SUCCEEDED',
      }),
    );

    expect(all.executions?.[0]).toMatchObject({ name: 'listed-1', status: 'FAILED', executionArn });
    expect(all.executions?.map((e) => e.name)).toEqual(
      expect.arrayContaining(['listed-1', 'dup-1', 'bad-input-1', 'r-missing-manifest-1']),
    );
    expect(failed.executions?.some((e) => e.name === 'listed-1')).toBe(true);
    expect(succeeded.executions?.some((e) => e.name === 'listed-1')).toBe(false);
  });

  it('names an execution with a generated id when no name is given', async () => {
    const { executionArn } = await start(undefined, {});
    expect(executionArn).toMatch(/:execution:campaign-run:[0-9a-f-]{36}$/);
    await finished(executionArn ?? '');
  });

  it('answers StateMachineDoesNotExist for an unknown state machine', async () => {
    await expect(
      sfn.send(
        new StartExecutionCommand({
          stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:nope',
          input: '{}',
        }),
      ),
    ).rejects.toBeInstanceOf(StateMachineDoesNotExist);
  });

  it.each(['has space', 'a/b', 'x'.repeat(81), ''])('answers InvalidName for %j', async (name) => {
    await expect(start(name, {})).rejects.toBeInstanceOf(InvalidName);
  });

  it('answers InvalidExecutionInput for input that is not JSON', async () => {
    await expect(start('not-json-1', '{oops')).rejects.toBeInstanceOf(InvalidExecutionInput);
  });

  it('answers ExecutionDoesNotExist for an unknown execution', async () => {
    await expect(
      sfn.send(
        new DescribeExecutionCommand({
          executionArn: 'arn:aws:states:us-east-1:000000000000:execution:campaign-run:never',
        }),
      ),
    ).rejects.toBeInstanceOf(ExecutionDoesNotExist);
  });
});

describe('LocalLambdaRuntime errors', () => {
  it('reports a handler error as Lambda does: name = errorType, message = JSON {errorType, errorMessage, trace}', async () => {
    const runtime = new LocalLambdaRuntime(ROOT);

    let thrown: unknown;
    try {
      await runtime.invoke('RegisterRun', {});
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(LambdaInvocationError);
    const error = thrown as LambdaInvocationError;
    expect(error.name).toBe('ZodError');
    const payload = JSON.parse(error.message) as { errorType: string; errorMessage: string; trace: string[] };
    expect(payload.errorType).toBe('ZodError');
    expect(payload.errorMessage).toContain('"path": []');
    expect(payload.trace.length).toBeGreaterThan(0);
    expect(payload.trace.length).toBeLessThanOrEqual(7);
  });

  it('reports a pipeline stage given an invalid state the same way', async () => {
    const runtime = new LocalLambdaRuntime(ROOT);
    await expect(runtime.invoke('FailRun', { runId: 'r1' })).rejects.toMatchObject({ name: 'ZodError' });
  });

  it('lets an API handler answer a non-HTTP event with a bare 500 instead of throwing', async () => {
    const runtime = new LocalLambdaRuntime(ROOT);
    expect(await runtime.invoke('GetRun', {})).toEqual({
      statusCode: 500,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
      body: '{"message":"Internal server error"}',
    });
  });
});
