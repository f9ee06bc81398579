import { type App, type Environment, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { StatefulStack } from './stateful-stack';
import { StatelessStack } from './stateless-stack';

export const STATEFUL_STACK_NAME = 'CampaignOptimizerStateful';
export const STATELESS_STACK_NAME = 'CampaignOptimizerStateless';

/**
 * Builds the whole app into `app`: data and identity in one stack, code in the other, and the
 * AWS Solutions checks over both. Kept apart from `app.ts` so tests can synthesize without
 * that module's side effects.
 */
export function buildApp(app: App): { stateful: StatefulStack; stateless: StatelessStack } {
  // Env-agnostic unless the CLI knows the target account and region.
  const account = process.env.CDK_DEFAULT_ACCOUNT;
  const region = process.env.CDK_DEFAULT_REGION;
  const env: Environment | undefined =
    account !== undefined || region !== undefined
      ? { ...(account !== undefined ? { account } : {}), ...(region !== undefined ? { region } : {}) }
      : undefined;
  const common = { ...(env ? { env } : {}), tags: { project: 'campaign-optimizer' } };

  const stateful = new StatefulStack(app, STATEFUL_STACK_NAME, {
    ...common,
    description: 'campaign-optimizer: buckets, tables, lake catalog and user pool (retained).',
  });
  const stateless = new StatelessStack(app, STATELESS_STACK_NAME, {
    ...common,
    description: 'campaign-optimizer: functions, state machine, triggers and HTTP API.',
    stateful,
  });
  // cdk-nag 3 is a CDK validation plugin, not an aspect: unacknowledged findings fail the synth,
  // and acknowledgements are also written to the templates' Metadata as an audit trail.
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app, { verbose: true, writeSuppressionsToCloudFormation: true }),
  );
  return { stateful, stateless };
}
