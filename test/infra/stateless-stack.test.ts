import { existsSync } from 'node:fs';
import { Annotations, Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromRoot } from '#infra/constructs/repo-paths';
import { TENSORFLOW_LAYER_BUILD } from '#infra/constructs/tensorflow-layer';
import type { StatelessStack } from '#infra/stateless-stack';
import { apiFunctions, ENV, type FunctionSpec, pipelineFunctions } from '#infra/topology/functions';
import { loadSettings } from '#infra/topology/settings';
import { manifestUploadedPattern, weeklyCampaignSchedule } from '#infra/topology/triggers';
import { apiRoutes } from '#shared/api/routes';
import {
  actionsOf,
  exportedValue,
  followImports,
  functionEnv,
  functionId,
  functionProps,
  logicalIdWithPrefix,
  resource,
  resources,
  resourcesOf,
  single,
  statementsOfFunction,
  synthesize,
  TEST_SCHEDULE_PARTNER,
} from './support';

let template: Template;
let stateful: Template;
let stack: StatelessStack;

beforeAll(() => {
  const synth = synthesize();
  template = synth.statelessTemplate;
  stateful = synth.statefulTemplate;
  stack = synth.stateless;
});

const allFunctions: [string, FunctionSpec][] = [
  ...Object.entries(pipelineFunctions),
  ...Object.entries(apiFunctions),
];

/** The stateful resource a stateless value refers to, e.g. `{ Ref: 'LakeBucket1234' }`. */
function statefulId(prefix: string, type: string): string {
  return logicalIdWithPrefix(stateful, type, prefix);
}

function stateMachineId(): string {
  return logicalIdWithPrefix(template, 'AWS::StepFunctions::StateMachine', 'CampaignRunStateMachine');
}

describe('functions', () => {
  it.each(allFunctions)('%s runs Node 22 on arm64 with its spec, tracing and own log group', (name, spec) => {
    const p = functionProps(template, name);
    expect(p.Runtime).toBe('nodejs22.x');
    expect(p.Architectures).toEqual(['arm64']);
    expect(p.MemorySize).toBe(spec.memoryMb);
    expect(p.Timeout).toBe(spec.timeoutSeconds);
    expect(p.Handler).toBe('index.handler');
    expect(p.TracingConfig).toEqual({ Mode: 'Active' });
    const logGroup = (p.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
    expect(resource(template, 'AWS::Logs::LogGroup', logGroup).Properties.RetentionInDays).toBeGreaterThan(0);
  });

  it.each(allFunctions)('%s gets exactly the environment its spec lists', (name, spec) => {
    const variables = (functionProps(template, name).Environment as { Variables: Record<string, unknown> })
      .Variables;
    const expected = [
      ...spec.env.map((key) => ENV[key]),
      'NODE_OPTIONS',
      'POWERTOOLS_SERVICE_NAME',
      'POWERTOOLS_LOG_LEVEL',
      ...(spec.tensorflow === true ? ['TFJS_WASM_PATH'] : []),
      ...(name === 'ValidateBatch' ? ['PARQUET_WASM_PATH'] : []),
    ];
    expect(Object.keys(variables).sort()).toEqual([...expected].sort());
    expect(variables.NODE_OPTIONS).toBe('--enable-source-maps');
    for (const [key, value] of Object.entries(variables)) expect(value, key).not.toBe('');
  });

  it('hands resource names and settings to ValidateBatch', () => {
    const variables = (
      functionProps(template, 'ValidateBatch').Environment as { Variables: Record<string, unknown> }
    ).Variables;
    expect(variables.PARQUET_WASM_PATH).toBe('/var/task/parquet_wasm_bg.wasm');
    expect(exportedValue(stateful, variables.LAKE_BUCKET_NAME)).toEqual({
      Ref: statefulId('LakeBucket', 'AWS::S3::Bucket'),
    });
    expect(exportedValue(stateful, variables.LANDING_BUCKET_NAME)).toEqual({
      Ref: statefulId('LandingBucket', 'AWS::S3::Bucket'),
    });
    expect(exportedValue(stateful, variables.RUNS_TABLE_NAME)).toEqual({
      Ref: statefulId('RunsTable', 'AWS::DynamoDB::GlobalTable'),
    });
    expect(variables.INTAKE_LIMITS).toBe(JSON.stringify(loadSettings().intakeLimits));
  });

  it('hands the Athena names and the state machine to the functions that use them', () => {
    const features = (
      functionProps(template, 'BuildFeatures').Environment as { Variables: Record<string, unknown> }
    ).Variables;
    const workgroup = single(stateful, 'AWS::Athena::WorkGroup');
    const database = single(stateful, 'AWS::Glue::Database');
    expect(features.ATHENA_WORKGROUP).toBe(workgroup.Properties.Name);
    expect(features.ATHENA_DATABASE).toBe((database.Properties.DatabaseInput as { Name: string }).Name);
    const start = functionEnv(template, 'StartRun');
    expect(start.STATE_MACHINE_ARN).toEqual({ Ref: stateMachineId() });
    const publish = (
      functionProps(template, 'PublishRun').Environment as { Variables: Record<string, unknown> }
    ).Variables;
    expect(publish.PRICE_TABLE).toBe(JSON.stringify(loadSettings().priceTable));
  });

  it('attaches the TensorFlow layer when it is built, and warns when it is not', () => {
    const built = existsSync(fromRoot(`${TENSORFLOW_LAYER_BUILD}/nodejs/node_modules/@tensorflow/tfjs-node`));
    for (const [name, spec] of allFunctions) {
      const layers = functionProps(template, name).Layers as unknown[] | undefined;
      expect(layers?.length ?? 0, name).toBe(built && spec.tensorflow === true ? 1 : 0);
    }
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('not built'));
    expect(warnings.length).toBe(built ? 0 : 1);
  });
});

describe('state machine', () => {
  it('is the ASL file with every aslArn substituted by its pipeline function', () => {
    const p = resource(template, 'AWS::StepFunctions::StateMachine', stateMachineId()).Properties;
    expect(p.DefinitionS3Location).toBeDefined();
    expect(p.DefinitionString).toBeUndefined();
    const expected = Object.fromEntries(
      Object.entries(pipelineFunctions).map(([name, spec]) => [
        spec.aslArn,
        { 'Fn::GetAtt': [functionId(template, name), 'Arn'] },
      ]),
    );
    expect(p.DefinitionSubstitutions).toEqual(expected);
    expect(p.StateMachineType).toBe('STANDARD');
    expect(p.TracingConfiguration).toEqual({ Enabled: true });
    expect(p.LoggingConfiguration).toMatchObject({ Level: 'ALL', IncludeExecutionData: true });
  });

  it('may invoke exactly the pipeline functions', () => {
    const invoke = Object.values(resources(template, 'AWS::IAM::Policy'))
      .flatMap(
        (policy) =>
          (policy.Properties.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] })
            .Statement,
      )
      .filter((s) => JSON.stringify(s.Action).includes('lambda:InvokeFunction'));
    expect(invoke.length).toBe(1);
    const resourcesInvoked = ((invoke[0]?.Resource ?? []) as unknown[]).map((r) => JSON.stringify(r)).sort();
    const pipeline = Object.keys(pipelineFunctions)
      .map((name) => JSON.stringify({ 'Fn::GetAtt': [functionId(template, name), 'Arn'] }))
      .sort();
    expect(resourcesInvoked).toEqual(pipeline);
  });
});

describe('run triggers', () => {
  it('starts a run when a manifest lands, with retries and a dead-letter queue', () => {
    const rules = Object.values(resources(template, 'AWS::Events::Rule')).filter(
      (r) => r.Properties.EventPattern !== undefined,
    );
    expect(rules.length).toBe(1);
    const rule = rules[0]?.Properties ?? {};
    const landing = { Ref: statefulId('LandingBucket', 'AWS::S3::Bucket') };
    expect(followImports(stateful, rule.EventPattern)).toEqual(
      JSON.parse(JSON.stringify(manifestUploadedPattern(landing as unknown as string))),
    );
    const targets = rule.Targets as Record<string, unknown>[];
    expect(targets.length).toBe(1);
    const target = targets[0] ?? {};
    expect(target.Arn).toEqual({ Ref: stateMachineId() });
    expect(target.Input).toBeUndefined();
    expect(target.RetryPolicy).toMatchObject({ MaximumRetryAttempts: expect.any(Number) });
    expect(target.DeadLetterConfig).toEqual({
      Arn: {
        'Fn::GetAtt': [logicalIdWithPrefix(template, 'AWS::SQS::Queue', 'TriggersDeadLetterQueue'), 'Arn'],
      },
    });
  });

  it('keeps undelivered starts in an encrypted, TLS-only queue', () => {
    const queue = logicalIdWithPrefix(template, 'AWS::SQS::Queue', 'TriggersDeadLetterQueue');
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queue }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('plans the weekly campaign for the partner named in the CDK context', () => {
    const schedules = Object.values(resources(template, 'AWS::Scheduler::Schedule'));
    expect(schedules.length).toBe(1);
    const p = schedules[0]?.Properties ?? {};
    expect(p.Name).toBeUndefined(); // generated, so deployments in one account don't clash
    expect(p.ScheduleExpression).toBe(weeklyCampaignSchedule.expression);
    expect(p.ScheduleExpressionTimezone).toBe(weeklyCampaignSchedule.timezone);
    const target = p.Target as Record<string, unknown>;
    expect(target.Arn).toEqual({ Ref: stateMachineId() });
    expect(JSON.parse(target.Input as string)).toEqual({
      source: 'campaign-optimizer.schedule',
      scheduleName: weeklyCampaignSchedule.name,
      scheduledAt: '<aws.scheduler.scheduled-time>',
      partner: TEST_SCHEDULE_PARTNER,
    });
    expect(target.DeadLetterConfig).toBeDefined();
    expect(target.RetryPolicy).toMatchObject({ MaximumRetryAttempts: expect.any(Number) });
  });
});

describe('HTTP API', () => {
  const authorizerId = () => logicalIdWithPrefix(template, 'AWS::ApiGatewayV2::Authorizer', 'Api');

  it('authorizes with JWTs from the user pool for its client', () => {
    const p = resource(template, 'AWS::ApiGatewayV2::Authorizer', authorizerId()).Properties;
    expect(p.AuthorizerType).toBe('JWT');
    expect(p.IdentitySource).toEqual(['$request.header.Authorization']);
    const jwt = followImports(stateful, p.JwtConfiguration) as { Audience: unknown[]; Issuer: unknown };
    expect(jwt.Audience).toEqual([
      { Ref: statefulId('UsersUserPoolWebClient', 'AWS::Cognito::UserPoolClient') },
    ]);
    expect(JSON.stringify(jwt.Issuer)).toContain('cognito-idp.');
    expect(JSON.stringify(jwt.Issuer)).toContain(
      JSON.stringify({ Ref: statefulId('UsersUserPool', 'AWS::Cognito::UserPool') }),
    );
  });

  it.each(Object.entries(apiRoutes))(
    'routes %s to its function behind the authorizer',
    (routeName, route) => {
      const routes = Object.values(resources(template, 'AWS::ApiGatewayV2::Route')).filter(
        (r) => r.Properties.RouteKey === `${route.method} ${route.path}`,
      );
      expect(routes.length).toBe(1);
      const p = routes[0]?.Properties ?? {};
      expect(p.AuthorizationType).toBe('JWT');
      expect(p.AuthorizerId).toEqual({ Ref: authorizerId() });
      const integrationId = (p.Target as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1].find(
        (part) => typeof part === 'object',
      ) as { Ref: string };
      const integration = resource(template, 'AWS::ApiGatewayV2::Integration', integrationId.Ref).Properties;
      const [functionName] = Object.entries(apiFunctions).find(([, spec]) => spec.route === routeName) ?? [];
      expect(functionName).toBeDefined();
      expect(integration.IntegrationUri).toEqual({
        'Fn::GetAtt': [functionId(template, functionName ?? ''), 'Arn'],
      });
    },
  );

  it('logs access and throttles on the default stage', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
      DefaultRouteSettings: { ThrottlingRateLimit: Match.anyValue(), ThrottlingBurstLimit: Match.anyValue() },
    });
    expect(single(template, 'AWS::ApiGatewayV2::Api').Properties.CorsConfiguration).toBeUndefined();
  });

  it('outputs what a client needs', () => {
    const outputs = Object.keys(template.toJSON().Outputs as Record<string, unknown>);
    for (const name of [
      'ApiUrl',
      'UserPoolId',
      'UserPoolClientId',
      'LandingBucketName',
      'LakeBucketName',
      'StateMachineArn',
    ]) {
      expect(outputs).toContain(name);
    }
  });
});

describe('least privilege', () => {
  const flat = (value: unknown) => JSON.stringify(followImports(stateful, value));
  const landingArn = () =>
    JSON.stringify({ 'Fn::GetAtt': [statefulId('LandingBucket', 'AWS::S3::Bucket'), 'Arn'] });

  it('lets CreateUploadUrl put objects under incoming/ of the landing bucket and nothing else', () => {
    const statements = statementsOfFunction(template, 'CreateUploadUrl').filter((s) =>
      actionsOf(s).some((a) => a.startsWith('s3:') || a.startsWith('dynamodb:')),
    );
    expect(statements.length).toBe(1);
    expect(actionsOf(statements[0] ?? ({} as never))).toEqual(['s3:PutObject']);
    expect(flat(statements[0]?.Resource)).toBe(
      JSON.stringify({ 'Fn::Join': ['', [JSON.parse(landingArn()), '/incoming/*']] }),
    );
  });

  it('keeps ListRuns read-only on the runs table', () => {
    const statements = statementsOfFunction(template, 'ListRuns');
    const dynamo = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
    expect(dynamo.flatMap(actionsOf).sort()).toEqual(['dynamodb:GetItem', 'dynamodb:Query']);
    const runs = statefulId('RunsTable', 'AWS::DynamoDB::GlobalTable');
    for (const resource of dynamo.flatMap(resourcesOf)) expect(flat(resource)).toContain(runs);
    expect(statements.flatMap(actionsOf).some((a) => a.startsWith('s3:'))).toBe(false);
  });

  it('lets only StartRun start executions, on this state machine', () => {
    for (const [name] of allFunctions) {
      const starts = statementsOfFunction(template, name).filter((s) =>
        actionsOf(s).includes('states:StartExecution'),
      );
      if (name === 'StartRun') {
        expect(starts.map((s) => s.Resource)).toEqual([{ Ref: stateMachineId() }]);
      } else {
        expect(starts, name).toEqual([]);
      }
    }
  });

  it('lets only ValidateBatch read the PII hash key, and nothing more of Secrets Manager', () => {
    for (const [name] of allFunctions) {
      const secrets = statementsOfFunction(template, name).filter((s) =>
        actionsOf(s).some((a) => a.startsWith('secretsmanager:')),
      );
      if (name === 'ValidateBatch') {
        expect(secrets.flatMap(actionsOf)).toEqual(['secretsmanager:GetSecretValue']);
        expect(JSON.stringify(secrets.map((s) => s.Resource))).toMatch(/PiiHashKey/);
      } else {
        expect(secrets, name).toEqual([]);
      }
    }
  });

  it('names the Glue database and lake tables one by one for BuildFeatures', () => {
    const glue = statementsOfFunction(template, 'BuildFeatures').filter((s) =>
      actionsOf(s).some((a) => a.startsWith('glue:')),
    );
    const named = glue.flatMap(resourcesOf).map((r) => JSON.stringify(r));
    expect(named.some((r) => r.includes(':catalog'))).toBe(true);
    expect(named.some((r) => r.includes(':database/'))).toBe(true);
    for (const r of named) expect(r).not.toContain('*');
  });

  it('never grants wildcard actions, deletes, or access to the landing bucket outside incoming/', () => {
    for (const [name] of allFunctions) {
      for (const statement of statementsOfFunction(template, name)) {
        for (const action of actionsOf(statement)) {
          expect(action, name).not.toContain('*');
          expect(action, name).not.toMatch(/Delete/);
        }
        for (const resource of resourcesOf(statement)) {
          const text = flat(resource);
          if (text.includes(landingArn()) && text.includes('Fn::Join'))
            expect(text, name).toContain('/incoming/');
        }
      }
    }
  });

  it('gives ValidateBatch a way to tell a missing partner file from a forbidden one', () => {
    const list = statementsOfFunction(template, 'ValidateBatch').filter((s) =>
      actionsOf(s).includes('s3:ListBucket'),
    );
    expect(list.flatMap(resourcesOf).map(flat)).toContain(landingArn());
  });
});
