import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pipelineFunctions } from '#infra/topology/functions';
import { CONTROL_STATE_TRANSITIONS } from '#shared/use-cases/publish-run';

interface State {
  Type: string;
  Next?: string;
  Default?: string;
  Parameters?: { FunctionName?: string };
}

describe('the cost report counts Step Functions transitions', () => {
  it('from the states a successful run enters besides its metered stages', () => {
    // Prepare: walk the ASL's success path (Choice defaults, Task nexts) to its Succeed state.
    const asl = JSON.parse(
      readFileSync(new URL('../../../statemachines/campaign-run.asl.json', import.meta.url), 'utf8'),
    ) as {
      StartAt: string;
      States: Record<string, State>;
    };
    const stageArns = new Set(
      Object.entries(pipelineFunctions)
        .filter(([name]) => name !== 'RegisterRun' && name !== 'FailRun')
        .map(([, spec]) => `\${${spec.aslArn}}`),
    );
    const entered: State[] = [];
    for (let name: string | undefined = asl.StartAt; name; ) {
      const state: State | undefined = asl.States[name];
      if (!state) throw new Error(`no state ${name}`);
      entered.push(state);
      name = state.Type === 'Choice' ? state.Default : state.Next;
    }

    // Act
    const stages = entered.filter((s) => stageArns.has(s.Parameters?.FunctionName ?? ''));

    // Assess
    expect(stages).toHaveLength(6);
    expect(entered.at(-1)?.Type).toBe('Succeed');
    expect(entered.length - stages.length).toBe(CONTROL_STATE_TRANSITIONS);
  });
});
