import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { allFunctions, type FunctionName, type FunctionSpec } from '../topology/functions';

export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_REGION = 'us-east-1';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/**
 * An error as the Lambda service reports it: Step Functions sees `errorType` as the Error and
 * this JSON as the Cause, exactly as for a deployed function.
 */
export class LambdaInvocationError extends Error {
  public constructor(errorType: string, errorMessage: string, trace: string[]) {
    super(JSON.stringify({ errorType, errorMessage, trace }));
    this.name = errorType;
  }
}

export function functionArn(name: FunctionName): string {
  return `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${name}`;
}

export function isFunctionName(value: string): value is FunctionName {
  return value in allFunctions;
}

/**
 * Runs the deployed handler modules in this process. Payloads are serialised to JSON and back,
 * as on the wire; memory and timeout come from the same function list CDK deploys.
 */
export class LocalLambdaRuntime {
  private readonly handlers = new Map<FunctionName, Promise<Handler>>();

  public constructor(private readonly root: string) {}

  public async invoke(name: FunctionName, payload: unknown): Promise<unknown> {
    const spec = allFunctions[name];
    const handler = await this.load(name, spec);
    const deadline = Date.now() + spec.timeoutSeconds * 1000;
    const context = this.context(name, spec, deadline);
    const event = JSON.parse(JSON.stringify(payload ?? null)) as unknown;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new LambdaInvocationError(
              'Sandbox.Timedout',
              `Task timed out after ${spec.timeoutSeconds} seconds`,
              [],
            ),
          ),
        spec.timeoutSeconds * 1000,
      );
    });
    try {
      const result = await Promise.race([handler(event, context), timeout]);
      return result === undefined ? null : (JSON.parse(JSON.stringify(result)) as unknown);
    } catch (error) {
      if (error instanceof LambdaInvocationError) throw error;
      const e = error instanceof Error ? error : new Error(String(error));
      throw new LambdaInvocationError(e.name || 'Error', e.message, (e.stack ?? '').split('\n').slice(1, 8));
    } finally {
      clearTimeout(timer);
    }
  }

  private load(name: FunctionName, spec: FunctionSpec): Promise<Handler> {
    let loaded = this.handlers.get(name);
    if (!loaded) {
      loaded = import(pathToFileURL(resolve(this.root, spec.entry)).href).then(
        (module: { handler?: unknown }) => {
          if (typeof module.handler !== 'function')
            throw new Error(`${spec.entry} does not export a handler`);
          return module.handler as Handler;
        },
      );
      this.handlers.set(name, loaded);
    }
    return loaded;
  }

  private context(name: FunctionName, spec: FunctionSpec, deadline: number): Context {
    const unsupported = () => {
      throw new Error('callback-style completion is not used by these handlers');
    };
    return {
      callbackWaitsForEmptyEventLoop: false,
      functionName: name,
      functionVersion: '$LATEST',
      invokedFunctionArn: functionArn(name),
      memoryLimitInMB: String(spec.memoryMb),
      awsRequestId: randomUUID(),
      logGroupName: `/aws/lambda/${name}`,
      logStreamName: `local/${randomUUID()}`,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done: unsupported,
      fail: unsupported,
      succeed: unsupported,
    };
  }
}
