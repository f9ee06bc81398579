import { Stack, Validations } from 'aws-cdk-lib';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';
import { type AccessTargets, INCOMING_PREFIX } from './constructs/access-grants';
import type { CampaignFunction } from './constructs/campaign-function';
import type { Access } from './topology/functions';

/**
 * Every cdk-nag (AwsSolutions) finding this app accepts, each on the narrowest construct and with
 * why. cdk-nag 3 matches acknowledgements by exact finding id (`Rule[Finding]`), so a new wildcard
 * or a new resource shows up as a fresh finding instead of hiding behind an old suppression.
 */

const REASONS = {
  nodeRuntime:
    'Node.js 22 is the deliberate target: the handlers, their tests and the local stack are built and ' +
    'verified on it (esbuild target node22, the TensorFlow layer is built for it); moving to a newer ' +
    'runtime is a project decision taken together with those, not a drive-by change.',
  xray:
    'Active X-Ray tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords, which support no ' +
    'resource-level permissions, so IAM only accepts Resource "*" for them.',
  stateMachineWildcard:
    'X-Ray tracing and CloudWatch Logs vended log delivery (logs:CreateLogDelivery, ' +
    'logs:DescribeResourcePolicies, ...) support no resource-level permissions; CDK adds them for the ' +
    "state machine's tracing and execution logging, and nothing else in this policy uses a wildcard.",
  incomingObjects:
    'Partner files are keyed incoming/{partner}/{batchId}/{file}, and which partner and batch a run reads ' +
    'is only known at run time, so object access covers the incoming/ prefix and nothing else.',
  manifestObjects:
    'Runs are registered or started from incoming/{partner}/{batchId}/manifest.json, with partner and ' +
    'batch known only at run time, so reads are limited to manifest files under incoming/.',
  uploadObjects:
    "This role signs the presigned upload URLs; the handler confines every URL to the caller's own " +
    'incoming/{partner}/ prefix (from the token), which IAM cannot express per request, so the role may ' +
    'put objects under incoming/ only and cannot read or delete anything.',
  lakeObjects:
    'The lake bucket belongs to this pipeline alone; each run writes curated/, quarantine/, runs/ and ' +
    "models/ objects under ids minted at run time, so object access covers the bucket's objects (no delete).",
  athenaResults:
    'Athena names each result object after its query execution id, so results can only be granted by ' +
    "prefix; access is limited to the workgroup's results/ prefix.",
  bucketNotificationsHandler:
    "CDK's own custom resource that turns on EventBridge notifications for the landing bucket; its role " +
    'and the AWSLambdaBasicExecutionRole policy on it are not configurable, and it only runs on deploy.',
  essentialsPlan:
    'Essentials is the plan the project needs (access-token customization for the partner_id claim). ' +
    'Users are created by admins only, sign in with SRP, and must use TOTP MFA with a 14-character ' +
    'password policy, so Plus threat protection is not worth its per-user price here.',
  deadLetterQueue:
    'This queue is itself the dead-letter queue of the EventBridge rule target and the Scheduler target ' +
    'that start runs; a dead-letter queue for it would only move the same messages once more.',
} as const;

function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

/**
 * Acknowledges the IAM5 finding on `<bucket ARN><suffix>` under the name cdk-nag will report it by.
 * That name depends on how the ARN renders in the role's stack (`<LogicalId.Arn>` in its own stack,
 * the export name when imported from another), which is only settled once CDK has resolved
 * cross-stack references; hence a validation, which CDK runs after that and before the plugins.
 */
function acknowledgeObjectWildcard(role: IConstruct, bucket: IBucket, suffix: string, reason: string): void {
  role.node.addValidation({
    validate: () => {
      const arn = renderLikeCdkNag(Stack.of(role).resolve(bucket.bucketArn));
      acknowledge(role, `AwsSolutions-IAM5[Resource::${arn}${suffix}]`, reason);
      return [];
    },
  });
}

/** cdk-nag's flattened form of a resolved CloudFormation value, for the intrinsics an ARN can be. */
function renderLikeCdkNag(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) {
    const v = value as Record<string, unknown>;
    const getAtt = v['Fn::GetAtt'];
    if (Array.isArray(getAtt)) return `<${getAtt.map(renderLikeCdkNag).join('.')}>`;
    if (v['Fn::ImportValue'] !== undefined) return renderLikeCdkNag(v['Fn::ImportValue']);
    if (v.Ref !== undefined) return `<${renderLikeCdkNag(v.Ref)}>`;
    const join = v['Fn::Join'];
    if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
      return join[1].map(renderLikeCdkNag).join(join[0]);
    }
  }
  return JSON.stringify(value);
}

/** What every function built by CampaignFunction brings: the runtime choice and X-Ray. */
export function acknowledgeFunctionBasics(fn: CampaignFunction): void {
  acknowledge(fn.fn, 'AwsSolutions-L1', REASONS.nodeRuntime);
  acknowledge(fn.role, 'AwsSolutions-IAM5[Resource::*]', REASONS.xray);
}

/** The object wildcards that `access` leads to in `accessStatements`, and nothing more. */
export function acknowledgeAccessWildcards(fn: CampaignFunction, access: Access, t: AccessTargets): void {
  const role = fn.role;
  switch (access.landingBucket) {
    case 'read':
      acknowledgeObjectWildcard(role, t.landingBucket, `/${INCOMING_PREFIX}*`, REASONS.incomingObjects);
      break;
    case 'read-manifests':
      acknowledgeObjectWildcard(
        role,
        t.landingBucket,
        `/${INCOMING_PREFIX}*/manifest.json`,
        REASONS.manifestObjects,
      );
      break;
    case 'put-incoming':
      acknowledgeObjectWildcard(role, t.landingBucket, `/${INCOMING_PREFIX}*`, REASONS.uploadObjects);
      break;
    case undefined:
      break;
  }
  if (access.lakeBucket !== undefined) {
    acknowledgeObjectWildcard(role, t.lakeBucket, '/*', REASONS.lakeObjects);
  }
  if (access.athenaResultsBucket !== undefined) {
    acknowledgeObjectWildcard(
      role,
      t.athenaResultsBucket,
      `/${t.athenaResultsPrefix}*`,
      REASONS.athenaResults,
    );
  }
}

export function acknowledgeStateMachineFindings(stateMachineRole: IConstruct): void {
  acknowledge(stateMachineRole, 'AwsSolutions-IAM5[Resource::*]', REASONS.stateMachineWildcard);
}

export function acknowledgeDeadLetterQueue(queue: IConstruct): void {
  acknowledge(queue, 'AwsSolutions-SQS3', REASONS.deadLetterQueue);
}

/** SMG4: rotating an HMAC key would change every hashed id, so it is rotated deliberately, with a re-hash. */
export function acknowledgePiiKeyRotation(secret: IConstruct): void {
  acknowledge(
    secret,
    'AwsSolutions-SMG4',
    'The PII hash key is an HMAC key: rotating it changes every hashed identifier and breaks matching across batches, so it is rotated deliberately with a re-hash of the stored data, not on a schedule.',
  );
}

export function acknowledgeUserPoolPlan(userPool: IConstruct): void {
  acknowledge(userPool, 'AwsSolutions-COG8', REASONS.essentialsPlan);
}

/**
 * `eventBridgeEnabled` makes CDK add a stack-level singleton custom resource; found by its id
 * prefix because CDK names it with a fixed hash.
 */
export function acknowledgeBucketNotificationsHandler(stack: Stack): void {
  const handlers = stack.node.children.filter((c) => c.node.id.startsWith('BucketNotificationsHandler'));
  for (const handler of handlers) {
    acknowledge(
      handler,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      REASONS.bucketNotificationsHandler,
    );
  }
}
