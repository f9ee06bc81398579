import { randomBytes } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import S3rver from 's3rver';
import { ROLES, type Role } from '../../shared/domain/auth/roles';
import { lakeTables, MONTH_KEY } from '../../shared/domain/lake/catalog';
import { ENV, type EnvKey } from '../../shared/lambda/env';
import { loadSettings } from '../topology/settings';
import { tables } from '../topology/tables';
import { manifestUploadedPattern } from '../topology/triggers';
import { startLocalApiGateway } from './api-gateway';
import { startLocalAthena } from './athena/local-athena';
import { DEMO_USERS, LocalCognito } from './cognito';
import { startDynamoDbLocal } from './dynamodb';
import { matchesPattern } from './event-pattern';
import { LOCAL_REGION, LocalLambdaRuntime } from './lambda-runtime';
import { enforceConditionalWrites } from './s3-conditional-writes';
import { type S3rverRecord, toEventBridgeObjectCreated } from './s3-events';
import { startLocalSecretsManager } from './secrets-manager';
import { LocalExecutions } from './stepfunctions/local-executions';
import { startSfnEndpoint } from './stepfunctions/sfn-endpoint';

/** Local resource names; on AWS, CDK generates them and passes them the same way. */
export const LOCAL_RESOURCES = {
  landingBucket: 'campaign-landing',
  lakeBucket: 'campaign-lake',
  athenaResultsBucket: 'campaign-athena-results',
  runsTable: 'campaign-runs',
  recommendationsTable: 'campaign-recommendations',
  athenaWorkgroup: 'campaign-optimizer',
  athenaDatabase: 'campaign_lake',
  piiKeySecret: 'campaign-pii-hash-key',
} as const;

/** s3rver accepts only its own key pair; the other emulators accept any. */
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface LocalStack {
  readonly endpoints: { s3: string; dynamodb: string; athena: string; sfn: string; api: string };
  readonly resources: typeof LOCAL_RESOURCES & { stateMachineArn: string };
  readonly tokens: Readonly<Record<Role, string>>;
  readonly cognito: LocalCognito;
  readonly executions: LocalExecutions;
  /** An S3 client for uploading as a partner would. */
  readonly s3: S3Client;
  stop(): Promise<void>;
}

export interface LocalStackOptions {
  /** Repository root, where handler modules and the state machine live. */
  readonly root: string;
  /** Scratch directory for S3 objects and the DuckDB mirror; emptied on start and stop. */
  readonly workDir: string;
  /** POWERTOOLS_LOG_LEVEL for the handlers. */
  readonly logLevel?: string;
}

/**
 * Starts the embedded AWS stack: s3rver, DynamoDB Local, an Athena endpoint over DuckDB, a
 * Step Functions endpoint running the deployed ASL, an S3 → EventBridge bridge with the deployed
 * rule's pattern, a Cognito-shaped token issuer and an HTTP API. Handlers get their settings
 * through the same environment variables CDK sets; only endpoints and credentials differ.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  rmSync(options.workDir, { recursive: true, force: true });
  const s3Dir = join(options.workDir, 's3');
  mkdirSync(s3Dir, { recursive: true });
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const fn of stops.reverse()) await fn().catch(() => undefined);
    rmSync(options.workDir, { recursive: true, force: true });
  };

  try {
    const s3rver = new S3rver({
      address: '127.0.0.1',
      port: 0,
      silent: true,
      directory: s3Dir,
      configureBuckets: [
        { name: LOCAL_RESOURCES.landingBucket, configs: [] },
        { name: LOCAL_RESOURCES.lakeBucket, configs: [] },
        { name: LOCAL_RESOURCES.athenaResultsBucket, configs: [] },
      ],
    });
    enforceConditionalWrites(s3rver);
    const { port: s3Port } = await s3rver.run();
    stops.push(() => s3rver.close());
    const s3Endpoint = `http://127.0.0.1:${s3Port}`;

    const dynamodb = await startDynamoDbLocal([
      { tableName: LOCAL_RESOURCES.runsTable, spec: tables.runs },
      { tableName: LOCAL_RESOURCES.recommendationsTable, spec: tables.recommendations },
    ]);
    stops.push(dynamodb.stop);

    const s3 = new S3Client({
      region: LOCAL_REGION,
      endpoint: s3Endpoint,
      forcePathStyle: true,
      credentials: CREDENTIALS,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    const athena = await startStackAthena(s3, options.workDir);
    stops.push(athena.stop);

    const runtime = new LocalLambdaRuntime(options.root);
    const executions = new LocalExecutions(
      join(options.root, 'statemachines/campaign-run.asl.json'),
      runtime,
    );
    const sfn = await startSfnEndpoint(executions);
    stops.push(sfn.close);

    // A fresh key per local stack: hashes are stable within it, as within one deployment.
    const secrets = await startLocalSecretsManager({
      [LOCAL_RESOURCES.piiKeySecret]: randomBytes(32).toString('hex'),
    });
    stops.push(secrets.close);

    const settings = loadSettings();
    const names: Record<EnvKey, string> = {
      ...LOCAL_RESOURCES,
      stateMachineArn: executions.stateMachineArn,
      campaignDefaults: JSON.stringify(settings.campaignDefaults),
      priceTable: JSON.stringify(settings.priceTable),
      intakeLimits: JSON.stringify(settings.intakeLimits),
    };
    Object.assign(process.env, {
      ...Object.fromEntries(Object.entries(names).map(([key, value]) => [ENV[key as EnvKey], value])),
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_S3: s3Endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
      AWS_ENDPOINT_URL_ATHENA: athena.endpoint,
      AWS_ENDPOINT_URL_SFN: sfn.endpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
      AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
      AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: options.logLevel ?? 'WARN',
    });

    // EventBridge: the deployed rule's pattern, the deployed target (StartExecution).
    const pattern = manifestUploadedPattern(LOCAL_RESOURCES.landingBucket);
    const sfnClient = new SFNClient({
      region: LOCAL_REGION,
      endpoint: sfn.endpoint,
      credentials: CREDENTIALS,
    });
    // s3rver is an EventEmitter at run time; its published types omit it.
    (s3rver as unknown as EventEmitter).on('event', (notification: { Records: S3rverRecord[] }) => {
      for (const record of notification.Records) {
        const event = toEventBridgeObjectCreated(record);
        if (!event || !matchesPattern(pattern, event)) continue;
        sfnClient
          .send(
            new StartExecutionCommand({
              stateMachineArn: executions.stateMachineArn,
              input: JSON.stringify(event),
            }),
          )
          .catch((error: unknown) =>
            console.error('local EventBridge could not start the state machine:', error),
          );
      }
    });

    const cognito = await LocalCognito.create();
    const verifier = cognito.verifier();
    const api = await startLocalApiGateway({
      runtime,
      verifier: {
        verify: async (token) => (await verifier.verify(token)) as unknown as Record<string, unknown>,
      },
    });
    stops.push(api.close);
    const tokens = Object.fromEntries(
      await Promise.all(
        ROLES.map(async (role) => [role, await cognito.accessToken(DEMO_USERS[role])] as const),
      ),
    ) as Record<Role, string>;

    return {
      endpoints: {
        s3: s3Endpoint,
        dynamodb: dynamodb.endpoint,
        athena: athena.endpoint,
        sfn: sfn.endpoint,
        api: api.endpoint,
      },
      resources: { ...LOCAL_RESOURCES, stateMachineArn: executions.stateMachineArn },
      tokens,
      cognito,
      executions,
      s3,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The local Athena endpoint over the stack's lake tables, as the stack runs it. */
export function startStackAthena(s3: S3Client, workDir: string): ReturnType<typeof startLocalAthena> {
  return startLocalAthena({
    s3,
    workgroup: LOCAL_RESOURCES.athenaWorkgroup,
    database: LOCAL_RESOURCES.athenaDatabase,
    outputLocation: `s3://${LOCAL_RESOURCES.athenaResultsBucket}/`,
    tables: lakeTables.map((t) => ({
      ...t,
      bucket: LOCAL_RESOURCES.lakeBucket,
      subPartitionKeys: t.monthOf ? [MONTH_KEY] : [],
    })),
    cacheDir: join(workDir, 'athena'),
  });
}
