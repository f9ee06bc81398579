import { type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { RunStarter } from '../../ports/run-starter';

/** Starts runs as Step Functions executions named by the run id, so a run id is its execution. */
export class SfnRunStarter implements RunStarter {
  public constructor(
    private readonly sfn: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  public async start(runId: string, input: unknown): Promise<{ executionArn: string }> {
    const out = await this.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: this.stateMachineArn,
        name: runId,
        input: JSON.stringify(input),
      }),
    );
    return { executionArn: out.executionArn ?? '' };
  }
}
