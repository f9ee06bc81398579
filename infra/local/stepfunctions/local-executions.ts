import './polyfill';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { StateMachine } from 'aws-local-stepfunctions';
import { type FunctionName, pipelineFunctions } from '../../topology/functions';
import {
  functionArn,
  isFunctionName,
  LOCAL_ACCOUNT,
  LOCAL_REGION,
  type LocalLambdaRuntime,
} from '../lambda-runtime';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface Execution {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly input: string;
  readonly startDate: Date;
  status: ExecutionStatus;
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
  done: Promise<void>;
}

export interface StateEvent {
  readonly executionArn: string;
  readonly type: 'StateEntered' | 'StateExited' | 'StateFailed' | 'ExecutionSucceeded' | 'ExecutionFailed';
  readonly state?: string;
  readonly at: Date;
}

export class ExecutionAlreadyExistsError extends Error {
  public constructor(name: string) {
    super(`Execution Already Exists: '${name}'`);
    this.name = 'ExecutionAlreadyExists';
  }
}

interface AslState {
  Type?: string;
  Resource?: string;
  Parameters?: { FunctionName?: string };
  Iterator?: { States?: Record<string, AslState> };
  ItemProcessor?: { States?: Record<string, AslState> };
  Branches?: { States?: Record<string, AslState> }[];
}

/** Every Task state that invokes Lambda, by name, including those inside Map and Parallel. */
function lambdaTasks(states: Record<string, AslState>): string[] {
  return Object.entries(states).flatMap(([name, s]) => [
    ...(s.Type === 'Task' && s.Resource === 'arn:aws:states:::lambda:invoke' ? [name] : []),
    ...lambdaTasks(s.Iterator?.States ?? {}),
    ...lambdaTasks(s.ItemProcessor?.States ?? {}),
    ...(s.Branches ?? []).flatMap((b) => lambdaTasks(b.States ?? {})),
  ]);
}

/**
 * Runs executions of the ASL file CDK deploys, with each `lambda:invoke` Task bound to the same
 * handler module through the local Lambda runtime. Substitutions are filled the way CDK's
 * `definitionSubstitutions` are, with local function ARNs.
 */
export class LocalExecutions {
  public readonly stateMachineArn: string;
  private readonly definition: Record<string, unknown>;
  private readonly tasks: string[];
  private readonly executions = new Map<string, Execution>();
  private readonly listeners = new Set<(event: StateEvent) => void>();

  public constructor(
    aslPath: string,
    private readonly runtime: LocalLambdaRuntime,
    name = 'campaign-run',
  ) {
    this.stateMachineArn = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${name}`;
    const substitutions = Object.fromEntries(
      Object.entries(pipelineFunctions).map(([fn, spec]) => [spec.aslArn, functionArn(fn as FunctionName)]),
    );
    const text = readFileSync(aslPath, 'utf8').replace(/\$\{(\w+)\}/g, (match, key: string) => {
      const value = substitutions[key];
      if (!value) throw new Error(`${aslPath} uses ${match}, which no pipeline function provides`);
      return value;
    });
    this.definition = JSON.parse(text) as Record<string, unknown>;
    this.tasks = lambdaTasks(this.definition.States as Record<string, AslState>);
  }

  public onEvent(listener: (event: StateEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  public get(executionArn: string): Execution | undefined {
    return this.executions.get(executionArn);
  }

  public list(): Execution[] {
    return [...this.executions.values()].sort((a, b) => b.startDate.getTime() - a.startDate.getTime());
  }

  /** Starts an execution; like AWS, the same name with the same input returns the running one. */
  public start(input: string, name: string = randomUUID()): Execution {
    const executionArn = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:execution:${this.stateMachineArn.split(':').pop()}:${name}`;
    const existing = this.executions.get(executionArn);
    if (existing) {
      if (existing.input === input && existing.status === 'RUNNING') return existing;
      throw new ExecutionAlreadyExistsError(name);
    }
    const machine = new StateMachine(this.definition as never, { validationOptions: { checkPaths: true } });
    const handlers = Object.fromEntries(
      this.tasks.map((task) => [
        task,
        async (parameters: { FunctionName?: string; Payload?: unknown }) => {
          const fn = (parameters.FunctionName ?? '').split(':').pop() ?? '';
          if (!isFunctionName(fn)) throw new Error(`no local function for ${parameters.FunctionName}`);
          return {
            StatusCode: 200,
            ExecutedVersion: '$LATEST',
            Payload: await this.runtime.invoke(fn, parameters.Payload),
          };
        },
      ]),
    ) as never;
    const run = machine.run(JSON.parse(input) as never, {
      overrides: {
        taskResourceLocalHandlers: handlers,
        retryIntervalOverrides: Object.fromEntries(this.tasks.map((t) => [t, 0])),
      },
      context: {
        Execution: { Id: executionArn, Name: name, RoleArn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/local` },
      },
    });
    const execution: Execution = {
      executionArn,
      stateMachineArn: this.stateMachineArn,
      name,
      input,
      startDate: new Date(),
      status: 'RUNNING',
      done: Promise.resolve(),
    };
    execution.done = this.settle(execution, run.result, run.eventLogs);
    this.executions.set(executionArn, execution);
    return execution;
  }

  private async settle(
    execution: Execution,
    result: Promise<unknown>,
    logs: AsyncIterable<unknown>,
  ): Promise<void> {
    let failure: { Error?: string; Cause?: unknown } = {};
    const followed = (async () => {
      for await (const raw of logs) {
        const log = raw as { type?: string; state?: { name?: string }; Error?: string; Cause?: unknown };
        if (log.type === 'StateEntered' || log.type === 'StateExited' || log.type === 'StateFailed') {
          this.emit({
            executionArn: execution.executionArn,
            type: log.type,
            state: log.state?.name ?? '',
            at: new Date(),
          });
        }
        if (log.type === 'ExecutionFailed') failure = { Error: log.Error, Cause: log.Cause };
      }
    })();
    try {
      const output = await result;
      await followed;
      execution.status = 'SUCCEEDED';
      execution.output = JSON.stringify(output ?? null);
      this.emit({ executionArn: execution.executionArn, type: 'ExecutionSucceeded', at: new Date() });
    } catch (error) {
      await followed.catch(() => undefined);
      const thrown = error as { name?: string; message?: string };
      execution.status =
        thrown.name === 'StatesTimeoutError' || failure.Error === 'States.Timeout' ? 'TIMED_OUT' : 'FAILED';
      execution.error = failure.Error ?? thrown.name ?? 'Error';
      execution.cause = typeof failure.Cause === 'string' ? failure.Cause : (thrown.message ?? '');
      this.emit({ executionArn: execution.executionArn, type: 'ExecutionFailed', at: new Date() });
    }
    execution.stopDate = new Date();
  }

  private emit(event: StateEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
