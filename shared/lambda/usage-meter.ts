import { AsyncLocalStorage } from 'node:async_hooks';
import { emptyUsage, type Usage } from '../domain/runs/run-record';

/**
 * Counts the AWS usage of one invocation: adapters report into the meter of the invocation they
 * run in. AsyncLocalStorage keeps concurrent invocations in one process (the local stack) apart.
 */
export class UsageMeter {
  private readonly usage: Usage = emptyUsage();

  public s3Request(kind: keyof Usage['s3Requests'], bytesWritten = 0): void {
    this.usage.s3Requests[kind] += 1;
    this.usage.s3BytesWritten += bytesWritten;
  }

  public athenaQuery(bytesScanned: number): void {
    this.usage.athenaQueries += 1;
    this.usage.athenaBytesScanned += bytesScanned;
  }

  public dynamodb(readUnits: number, writeUnits: number): void {
    this.usage.dynamodbReadUnits += readUnits;
    this.usage.dynamodbWriteUnits += writeUnits;
  }

  public snapshot(lambdaMs: number, lambdaMemoryMb: number): Usage {
    return {
      ...this.usage,
      s3Requests: { ...this.usage.s3Requests },
      lambdaInvocations: 1,
      lambdaMs,
      lambdaMemoryMb,
    };
  }
}

const scope = new AsyncLocalStorage<UsageMeter>();

export function withUsageMeter<T>(meter: UsageMeter, fn: () => Promise<T>): Promise<T> {
  return scope.run(meter, fn);
}

/** The meter of the current invocation, if it is metered (pipeline stages are; API calls are not). */
export function currentMeter(): UsageMeter | undefined {
  return scope.getStore();
}
