import { apiRoutes, type RouteName } from '../../shared/api/routes';
import type { EnvKey } from '../../shared/lambda/env';

export { ENV, type EnvKey } from '../../shared/lambda/env';

/**
 * Every Lambda function, described without CDK so that the CDK app and the embedded local stack
 * read the same list: the same entry module, memory, timeout, environment and access.
 */

/** What a function may touch; CDK turns each entry into a least-privilege grant. */
export interface Access {
  readonly landingBucket?: 'read' | 'read-manifests' | 'put-incoming';
  readonly lakeBucket?: 'read' | 'read-write';
  readonly athenaResultsBucket?: 'read' | 'read-write';
  readonly athena?: 'query';
  readonly runsTable?: 'read' | 'read-write';
  readonly recommendationsTable?: 'read' | 'write';
  readonly stateMachine?: 'start';
  readonly piiKeySecret?: 'read';
}

export interface FunctionSpec {
  readonly description: string;
  /** Module path from the repository root; it exports `handler`. */
  readonly entry: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly env: readonly EnvKey[];
  readonly access: Access;
  /** The `${...}` substitution naming this function in the state machine, for pipeline stages. */
  readonly aslArn?: string;
  /** The API route this function serves. */
  readonly route?: RouteName;
  /** Whether the function needs the TensorFlow layer on AWS. */
  readonly tensorflow?: boolean;
}

const stageEnv = ['runsTable', 'lakeBucket'] as const satisfies readonly EnvKey[];

export const pipelineFunctions = {
  RegisterRun: {
    description: 'Registers a run for a manifest, once per manifest version.',
    entry: 'functions/pipeline/register-run.ts',
    memoryMb: 256,
    timeoutSeconds: 30,
    env: ['runsTable', 'landingBucket', 'campaignDefaults'],
    access: { runsTable: 'read-write', landingBucket: 'read-manifests' },
    aslArn: 'RegisterRunFunctionArn',
  },
  ValidateBatch: {
    description: 'Validates the batch files against the contracts and writes curated Parquet and quarantine.',
    entry: 'functions/pipeline/validate-batch.ts',
    memoryMb: 1024,
    timeoutSeconds: 900,
    env: [...stageEnv, 'landingBucket', 'intakeLimits', 'piiKeySecret'],
    access: {
      runsTable: 'read-write',
      lakeBucket: 'read-write',
      landingBucket: 'read',
      piiKeySecret: 'read',
    },
    aslArn: 'ValidateBatchFunctionArn',
  },
  BuildFeatures: {
    description: 'Computes point-in-time customer features and the training set with Athena SQL.',
    entry: 'functions/pipeline/build-features.ts',
    memoryMb: 512,
    timeoutSeconds: 900,
    env: [...stageEnv, 'athenaWorkgroup', 'athenaDatabase'],
    access: {
      runsTable: 'read-write',
      lakeBucket: 'read-write',
      athena: 'query',
      athenaResultsBucket: 'read-write',
    },
    aslArn: 'BuildFeaturesFunctionArn',
  },
  SegmentCustomers: {
    description: 'Segments customers with k-means on scaled RFM features.',
    entry: 'functions/pipeline/segment-customers.ts',
    memoryMb: 1024,
    timeoutSeconds: 900,
    env: [...stageEnv],
    access: { runsTable: 'read-write', lakeBucket: 'read-write', athenaResultsBucket: 'read' },
    aslArn: 'SegmentCustomersFunctionArn',
  },
  ScoreCustomers: {
    description: 'Trains the response model on campaign history and scores every customer for every arm.',
    entry: 'functions/pipeline/score-customers.ts',
    memoryMb: 2048,
    timeoutSeconds: 900,
    env: [...stageEnv],
    access: { runsTable: 'read-write', lakeBucket: 'read-write', athenaResultsBucket: 'read' },
    aslArn: 'ScoreCustomersFunctionArn',
    tensorflow: true,
  },
  AllocateOffers: {
    description: 'Allocates offers and channels under the budget to maximise expected incremental profit.',
    entry: 'functions/pipeline/allocate-offers.ts',
    memoryMb: 1024,
    timeoutSeconds: 900,
    env: [...stageEnv],
    access: { runsTable: 'read-write', lakeBucket: 'read-write', athenaResultsBucket: 'read' },
    aslArn: 'AllocateOffersFunctionArn',
  },
  PublishRun: {
    description:
      'Publishes recommendations, the run summary and the cost report, then marks the run SUCCEEDED.',
    entry: 'functions/pipeline/publish-run.ts',
    memoryMb: 512,
    timeoutSeconds: 900,
    env: [...stageEnv, 'recommendationsTable', 'priceTable'],
    access: { runsTable: 'read-write', lakeBucket: 'read-write', recommendationsTable: 'write' },
    aslArn: 'PublishRunFunctionArn',
  },
  FailRun: {
    description: 'Records why a run failed and keeps the offending file in quarantine.',
    entry: 'functions/pipeline/fail-run.ts',
    memoryMb: 256,
    timeoutSeconds: 60,
    env: [...stageEnv, 'landingBucket'],
    access: { runsTable: 'read-write', lakeBucket: 'read-write', landingBucket: 'read' },
    aslArn: 'FailRunFunctionArn',
  },
} as const satisfies Record<string, FunctionSpec>;

export const apiFunctions = {
  ListRuns: {
    description: apiRoutes.listRuns.summary,
    entry: 'functions/api/list-runs.ts',
    memoryMb: 256,
    timeoutSeconds: 10,
    env: ['runsTable'],
    access: { runsTable: 'read' },
    route: 'listRuns',
  },
  GetRun: {
    description: apiRoutes.getRun.summary,
    entry: 'functions/api/get-run.ts',
    memoryMb: 256,
    timeoutSeconds: 10,
    env: ['runsTable'],
    access: { runsTable: 'read' },
    route: 'getRun',
  },
  GetQualityReport: {
    description: apiRoutes.getQualityReport.summary,
    entry: 'functions/api/get-quality-report.ts',
    memoryMb: 256,
    timeoutSeconds: 10,
    env: ['runsTable', 'lakeBucket'],
    access: { runsTable: 'read', lakeBucket: 'read' },
    route: 'getQualityReport',
  },
  GetCostReport: {
    description: apiRoutes.getCostReport.summary,
    entry: 'functions/api/get-cost-report.ts',
    memoryMb: 256,
    timeoutSeconds: 10,
    env: ['runsTable', 'lakeBucket'],
    access: { runsTable: 'read', lakeBucket: 'read' },
    route: 'getCostReport',
  },
  GetPlan: {
    description: apiRoutes.getPlan.summary,
    entry: 'functions/api/get-plan.ts',
    memoryMb: 256,
    timeoutSeconds: 10,
    env: ['runsTable', 'lakeBucket'],
    access: { runsTable: 'read', lakeBucket: 'read' },
    route: 'getPlan',
  },
  GetCustomerRecommendations: {
    description: apiRoutes.getCustomerRecommendations.summary,
    entry: 'functions/api/get-customer-recommendations.ts',
    memoryMb: 256,
    timeoutSeconds: 10,
    env: ['runsTable', 'recommendationsTable'],
    access: { runsTable: 'read', recommendationsTable: 'read' },
    route: 'getCustomerRecommendations',
  },
  StartRun: {
    description: apiRoutes.startRun.summary,
    entry: 'functions/api/start-run.ts',
    memoryMb: 256,
    timeoutSeconds: 10,
    env: ['landingBucket', 'stateMachineArn'],
    access: { landingBucket: 'read-manifests', stateMachine: 'start' },
    route: 'startRun',
  },
  CreateUploadUrl: {
    description: apiRoutes.createUploadUrl.summary,
    entry: 'functions/api/create-upload-url.ts',
    memoryMb: 256,
    timeoutSeconds: 10,
    env: ['landingBucket'],
    access: { landingBucket: 'put-incoming' },
    route: 'createUploadUrl',
  },
} as const satisfies Record<string, FunctionSpec>;

export type PipelineFunctionName = keyof typeof pipelineFunctions;
export type ApiFunctionName = keyof typeof apiFunctions;
export type FunctionName = PipelineFunctionName | ApiFunctionName;

export const allFunctions: Record<FunctionName, FunctionSpec> = { ...pipelineFunctions, ...apiFunctions };

/** The Cognito pre-token-generation trigger lives with the user pool, in the stateful stack. */
export const preTokenGenerationFunction: FunctionSpec = {
  description: "Copies a partner user's partner id into the access token as the partner_id claim.",
  entry: 'functions/auth/pre-token-generation.ts',
  memoryMb: 128,
  timeoutSeconds: 5,
  env: [],
  access: {},
};
