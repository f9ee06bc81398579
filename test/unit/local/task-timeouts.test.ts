import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pipelineFunctions } from '#infra/topology/functions';

interface TaskState {
  Type: string;
  TimeoutSeconds?: number;
  Parameters?: { FunctionName?: string };
}

describe('the state machine gives every Lambda task its function timeout', () => {
  it("so neither AWS (no task timeout) nor the local interpreter (60 s default) disagrees with the function's own", () => {
    const asl = JSON.parse(
      readFileSync(new URL('../../../statemachines/campaign-run.asl.json', import.meta.url), 'utf8'),
    ) as { States: Record<string, TaskState> };
    const byArn = new Map(Object.values(pipelineFunctions).map((spec) => [`\${${spec.aslArn}}`, spec]));
    const tasks = Object.entries(asl.States).filter(([, s]) => s.Type === 'Task');
    expect(tasks.length).toBeGreaterThan(0);
    for (const [name, state] of tasks) {
      const spec = byArn.get(state.Parameters?.FunctionName ?? '');
      expect(spec, `${name} invokes a known pipeline function`).toBeDefined();
      expect(state.TimeoutSeconds, name).toBe(spec?.timeoutSeconds);
    }
  });
});
