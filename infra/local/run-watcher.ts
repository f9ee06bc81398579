import type { Execution, LocalExecutions, StateEvent } from './stepfunctions/local-executions';

export interface StageProgress {
  onStageStart?(state: string): void;
  onStageEnd?(state: string, ms: number, failed: boolean): void;
}

/**
 * Waits for the next execution to start (e.g. the one an upload triggers) and follows it to the
 * end, reporting each state as it runs.
 */
export function watchNextExecution(
  executions: LocalExecutions,
  progress: StageProgress = {},
  timeoutMs = 15 * 60_000,
): Promise<Execution> {
  return new Promise((resolve, reject) => {
    let executionArn: string | undefined;
    const started = new Map<string, number>();
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`no run finished within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    const unsubscribe = executions.onEvent((event: StateEvent) => {
      executionArn ??= event.executionArn;
      if (event.executionArn !== executionArn) return;
      if (event.type === 'StateEntered' && event.state) {
        started.set(event.state, event.at.getTime());
        progress.onStageStart?.(event.state);
      } else if ((event.type === 'StateExited' || event.type === 'StateFailed') && event.state) {
        progress.onStageEnd?.(
          event.state,
          event.at.getTime() - (started.get(event.state) ?? event.at.getTime()),
          event.type === 'StateFailed',
        );
      } else if (event.type === 'ExecutionSucceeded' || event.type === 'ExecutionFailed') {
        clearTimeout(timer);
        unsubscribe();
        const execution = executions.get(event.executionArn);
        if (execution) resolve(execution);
        else reject(new Error(`execution ${event.executionArn} vanished`));
      }
    });
  });
}
