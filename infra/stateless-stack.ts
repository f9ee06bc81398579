import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction, ILayerVersion } from 'aws-cdk-lib/aws-lambda';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { apiRoutes, type RouteName } from '../shared/api/routes';
import { keySegment } from '../shared/domain/contracts/manifest';
import { type AccessTargets, grantAccess, type LakeQueryArns } from './constructs/access-grants';
import { CampaignApi } from './constructs/campaign-api';
import { CampaignFunction, type EnvValues } from './constructs/campaign-function';
import { CampaignRunStateMachine } from './constructs/campaign-run-state-machine';
import { bundleExtras } from './constructs/function-bundles';
import { RunTriggers } from './constructs/run-triggers';
import { tensorflowLayer } from './constructs/tensorflow-layer';
import {
  acknowledgeAccessWildcards,
  acknowledgeDeadLetterQueue,
  acknowledgeFunctionBasics,
  acknowledgeStateMachineFindings,
} from './nag-suppressions';
import {
  type ApiFunctionName,
  apiFunctions,
  type FunctionName,
  type FunctionSpec,
  type PipelineFunctionName,
  pipelineFunctions,
} from './topology/functions';
import { loadSettings } from './topology/settings';
import { type TableSpec, tables } from './topology/tables';
import { weeklyCampaignSchedule } from './topology/triggers';

/** What the stateless stack uses from the stateful one; `StatefulStack` provides all of it. */
export interface StatefulResources {
  readonly landingBucket: IBucket;
  readonly lakeBucket: IBucket;
  readonly athenaResultsBucket: IBucket;
  readonly athenaResultsPrefix: string;
  readonly runsTable: ITableV2;
  readonly recommendationsTable: ITableV2;
  readonly lake: {
    readonly databaseName: string;
    readonly workgroupName: string;
    readonly queryArns: LakeQueryArns;
  };
  readonly users: { readonly userPool: IUserPool; readonly client: IUserPoolClient };
  readonly piiHashKey: ISecret;
}

export interface StatelessStackProps extends StackProps {
  readonly stateful: StatefulResources;
}

/** The CDK context key naming the partner the weekly schedule plans for. */
export const SCHEDULE_PARTNER_CONTEXT = 'schedulePartner';

/**
 * The code: every function of the topology, the state machine that chains the pipeline stages, what
 * starts a run, and the HTTP API. Holds no data, so it can be destroyed and redeployed at will.
 */
export class StatelessStack extends Stack {
  public readonly functions: Readonly<Record<FunctionName, CampaignFunction>>;
  public readonly stateMachine: CampaignRunStateMachine;
  public readonly api: CampaignApi;
  public readonly triggers: RunTriggers;

  public constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { stateful } = props;
    const schedulePartner = requireSchedulePartner(this);
    const layer = tensorflowLayer(this, 'TensorflowLayer');

    const settings = loadSettings();
    const values: EnvValues = {
      landingBucket: stateful.landingBucket.bucketName,
      lakeBucket: stateful.lakeBucket.bucketName,
      athenaResultsBucket: stateful.athenaResultsBucket.bucketName,
      athenaWorkgroup: stateful.lake.workgroupName,
      athenaDatabase: stateful.lake.databaseName,
      runsTable: stateful.runsTable.tableName,
      recommendationsTable: stateful.recommendationsTable.tableName,
      campaignDefaults: JSON.stringify(settings.campaignDefaults),
      intakeLimits: JSON.stringify(settings.intakeLimits),
      priceTable: JSON.stringify(settings.priceTable),
      piiKeySecret: stateful.piiHashKey.secretArn,
    };
    const targets: AccessTargets = {
      landingBucket: stateful.landingBucket,
      lakeBucket: stateful.lakeBucket,
      athenaResultsBucket: stateful.athenaResultsBucket,
      athenaResultsPrefix: stateful.athenaResultsPrefix,
      runsTable: stateful.runsTable,
      runsIndexNames: indexNames(tables.runs),
      recommendationsTable: stateful.recommendationsTable,
      recommendationsIndexNames: indexNames(tables.recommendations),
      lakeQuery: stateful.lake.queryArns,
      piiKeySecret: stateful.piiHashKey,
    };
    const build = (name: FunctionName, spec: FunctionSpec, env: EnvValues, access: AccessTargets) => {
      const fn = createFunction(this, name, spec, env, layer);
      grantAccess(fn.role, spec.access, access);
      acknowledgeFunctionBasics(fn);
      acknowledgeAccessWildcards(fn, spec.access, access);
      return fn;
    };

    // Pipeline first: the state machine names their ARNs, and StartRun then names the state machine.
    const pipeline = mapEntries(pipelineFunctions, (name: PipelineFunctionName, spec) =>
      build(name, spec, values, targets),
    );
    const stages: Record<string, IFunction> = {};
    for (const [name, fn] of Object.entries(pipeline) as [PipelineFunctionName, CampaignFunction][]) {
      const aslArn = (pipelineFunctions[name] as FunctionSpec).aslArn;
      if (aslArn === undefined) throw new Error(`pipeline function ${name} has no aslArn`);
      stages[aslArn] = fn.fn;
    }
    this.stateMachine = new CampaignRunStateMachine(this, 'CampaignRun', { stages });
    const machine = this.stateMachine.stateMachine;
    acknowledgeStateMachineFindings(machine.role);

    const apiValues: EnvValues = { ...values, stateMachineArn: machine.stateMachineArn };
    const apiTargets: AccessTargets = { ...targets, stateMachine: machine };
    const apiHandlers = mapEntries(apiFunctions, (name: ApiFunctionName, spec) =>
      build(name, spec, apiValues, apiTargets),
    );
    this.functions = { ...pipeline, ...apiHandlers };

    this.api = new CampaignApi(this, 'Api', {
      userPool: stateful.users.userPool,
      userPoolClient: stateful.users.client,
      handlers: handlersByRoute(apiHandlers),
    });

    this.triggers = new RunTriggers(this, 'Triggers', {
      stateMachine: machine,
      landingBucket: stateful.landingBucket,
      schedule: weeklyCampaignSchedule,
      schedulePartner,
    });

    const output = (id: string, value: string, description: string) =>
      new CfnOutput(this, id, { value, description });
    output('ApiUrl', this.api.stage.url, 'Base URL of the HTTP API.');
    output('UserPoolId', stateful.users.userPool.userPoolId, 'Cognito user pool of API users.');
    output('UserPoolClientId', stateful.users.client.userPoolClientId, 'App client to sign in with (SRP).');
    output('LandingBucketName', stateful.landingBucket.bucketName, 'Partners upload to incoming/{partner}/.');
    output('LakeBucketName', stateful.lakeBucket.bucketName, 'Curated lake, quarantine and run artifacts.');
    output('AthenaResultsBucketName', stateful.athenaResultsBucket.bucketName, 'Athena query results.');
    output('StateMachineArn', machine.stateMachineArn, 'The campaign run state machine.');

    acknowledgeDeadLetterQueue(this.triggers.deadLetterQueue);
  }
}

function createFunction(
  scope: Construct,
  name: FunctionName,
  spec: FunctionSpec,
  values: EnvValues,
  layer: ILayerVersion | undefined,
): CampaignFunction {
  const extras = bundleExtras(name, spec);
  return new CampaignFunction(scope, name, {
    name,
    spec,
    values,
    extraEnvironment: extras.environment,
    copies: extras.copies,
    externalModules: extras.externalModules,
    layers: spec.tensorflow === true && layer !== undefined ? [layer] : [],
  });
}

function indexNames(spec: TableSpec): string[] {
  return spec.indexes.map((index) => index.name);
}

function mapEntries<K extends string, S, T>(
  record: Readonly<Record<K, S>>,
  fn: (key: K, value: S) => T,
): Record<K, T> {
  return Object.fromEntries(
    (Object.entries(record) as [K, S][]).map(([key, value]) => [key, fn(key, value)]),
  ) as Record<K, T>;
}

function handlersByRoute(
  handlers: Readonly<Record<ApiFunctionName, CampaignFunction>>,
): Record<RouteName, IFunction> {
  const byRoute: Partial<Record<RouteName, IFunction>> = {};
  for (const [name, fn] of Object.entries(handlers) as [ApiFunctionName, CampaignFunction][]) {
    const route = (apiFunctions[name] as FunctionSpec).route;
    if (route === undefined) throw new Error(`API function ${name} names no route`);
    if (byRoute[route] !== undefined) throw new Error(`route ${route} has more than one function`);
    byRoute[route] = fn.fn;
  }
  const unserved = (Object.keys(apiRoutes) as RouteName[]).filter((route) => byRoute[route] === undefined);
  if (unserved.length > 0) throw new Error(`no API function serves ${unserved.join(', ')}`);
  return byRoute as Record<RouteName, IFunction>;
}

/**
 * Which partner the weekly run plans for is a deployment decision, so it has no default: a
 * schedule silently planning for the wrong partner is worse than a failed synth.
 */
function requireSchedulePartner(scope: Construct): string {
  const raw: unknown = scope.node.tryGetContext(SCHEDULE_PARTNER_CONTEXT);
  if (raw === undefined) {
    throw new Error(
      `CDK context "${SCHEDULE_PARTNER_CONTEXT}" is not set: name the partner the weekly campaign ` +
        `plans for in cdk.json ("context": { "${SCHEDULE_PARTNER_CONTEXT}": "..." }) or with -c ${SCHEDULE_PARTNER_CONTEXT}=...`,
    );
  }
  const parsed = keySegment.safeParse(raw);
  if (!parsed.success) {
    throw new Error(
      `CDK context "${SCHEDULE_PARTNER_CONTEXT}" must be a partner id (${parsed.error.issues[0]?.message}), got ${JSON.stringify(raw)}`,
    );
  }
  return parsed.data;
}
