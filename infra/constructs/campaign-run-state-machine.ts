import { readFileSync } from 'node:fs';
import { Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { fromRoot } from './repo-paths';

/** The one definition of a run, shared with the local stack, which executes the same file. */
export const CAMPAIGN_RUN_ASL = 'statemachines/campaign-run.asl.json';

export interface CampaignRunStateMachineProps {
  /** Each pipeline stage by its ASL substitution name (`RegisterRunFunctionArn`, ...). */
  readonly stages: Readonly<Record<string, IFunction>>;
}

/**
 * The campaign run: the ASL file as written, with each `${...FunctionArn}` replaced by the deployed
 * function. Standard type, because a run takes up to an hour and must be exactly-once per stage.
 */
export class CampaignRunStateMachine extends Construct {
  public readonly stateMachine: StateMachine;

  public constructor(scope: Construct, id: string, props: CampaignRunStateMachineProps) {
    super(scope, id);
    const stages = Object.entries(props.stages);
    assertSubstitutionsMatch(stages.map(([name]) => name));

    // Under /aws/vendedlogs/ CloudWatch Logs needs no resource-policy entry per log delivery, so the
    // account-wide 5 KB policy limit cannot break a deploy. Named after the stack to stay unique.
    const logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `/aws/vendedlogs/states/${Stack.of(this).stackName}-campaign-run`,
      retention: RetentionDays.THREE_MONTHS,
    });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      definitionBody: DefinitionBody.fromFile(fromRoot(CAMPAIGN_RUN_ASL)),
      definitionSubstitutions: Object.fromEntries(stages.map(([name, fn]) => [name, fn.functionArn])),
      stateMachineType: StateMachineType.STANDARD,
      tracingEnabled: true,
      logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: true },
    });

    // The ASL invokes the unqualified ARNs, so this names exactly those; fn.grantInvoke would add a
    // `:*` wildcard for versions and aliases that are never called.
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: stages.map(([, fn]) => fn.functionArn),
      }),
    );
  }
}

/** A placeholder left unreplaced would only fail when a run reaches that state, so fail the synth. */
function assertSubstitutionsMatch(provided: readonly string[]): void {
  const asl = readFileSync(fromRoot(CAMPAIGN_RUN_ASL), 'utf8');
  const used = new Set([...asl.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]));
  const missing = [...used].filter((name) => name !== undefined && !provided.includes(name));
  const unused = provided.filter((name) => !used.has(name));
  if (missing.length > 0 || unused.length > 0) {
    throw new Error(
      `${CAMPAIGN_RUN_ASL} and the pipeline functions disagree: no function for ${missing.join(', ') || '-'}; ` +
        `not in the ASL: ${unused.join(', ') || '-'}`,
    );
  }
}
