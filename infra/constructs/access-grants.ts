import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Access } from '../topology/functions';

/** Where partners deliver; everything a function reads or writes in the landing bucket is below it. */
export const INCOMING_PREFIX = 'incoming/';
const MANIFEST_FILE = 'manifest.json';

/** The Athena side of the lake, as ARNs a policy can name one by one. */
export interface LakeQueryArns {
  readonly workgroupArn: string;
  readonly catalogArn: string;
  readonly databaseArn: string;
  readonly tableArns: readonly string[];
}

/** Everything an `Access` entry can refer to. */
export interface AccessTargets {
  readonly landingBucket: IBucket;
  readonly lakeBucket: IBucket;
  readonly athenaResultsBucket: IBucket;
  /** The workgroup's output prefix in the results bucket, ending in `/`. */
  readonly athenaResultsPrefix: string;
  readonly runsTable: ITableV2;
  readonly runsIndexNames: readonly string[];
  readonly recommendationsTable: ITableV2;
  readonly recommendationsIndexNames: readonly string[];
  readonly lakeQuery: LakeQueryArns;
  readonly piiKeySecret: ISecret;
  /** Absent while the pipeline functions are created: the state machine is built from them. */
  readonly stateMachine?: IStateMachine;
}

const OBJECT_READ = ['s3:GetObject', 's3:GetObjectVersion'];
// Multipart actions because lib-storage's Upload (and Athena writing results) split large objects.
const OBJECT_WRITE = ['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'];
const BUCKET_READ = ['s3:ListBucket', 's3:GetBucketLocation'];
const ITEM_READ = ['dynamodb:GetItem', 'dynamodb:Query'];
// TransactWriteItems is authorised per item through these same actions.
const ITEM_WRITE = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'];

/**
 * The policy statements an `Access` entry means. No delete anywhere: the pipeline only adds
 * objects and items, and lifecycle rules and TTL do the cleaning.
 */
export function accessStatements(access: Access, t: AccessTargets): PolicyStatement[] {
  const statements: PolicyStatement[] = [];
  const allow = (actions: string[], resources: string[]) =>
    statements.push(new PolicyStatement({ actions, resources }));

  const incoming = t.landingBucket.arnForObjects(`${INCOMING_PREFIX}*`);
  switch (access.landingBucket) {
    case 'read':
    case 'read-manifests':
      // Registering or starting a run only looks at manifests, never at a partner's data files.
      allow(OBJECT_READ, [
        access.landingBucket === 'read'
          ? incoming
          : t.landingBucket.arnForObjects(`${INCOMING_PREFIX}*/${MANIFEST_FILE}`),
      ]);
      // HeadObject on a missing key answers 404 only to a caller allowed to list the bucket, and the
      // handlers tell "not uploaded yet" from "forbidden" by that 404. HeadObject carries no
      // s3:prefix, so a prefix-conditioned ListBucket would not count; every key lives under
      // incoming/ anyway.
      allow(BUCKET_READ, [t.landingBucket.bucketArn]);
      break;
    case 'put-incoming':
      // The presigned URL carries this role's signature, so this is all an uploader can ever do.
      allow(['s3:PutObject'], [incoming]);
      break;
    case undefined:
      break;
  }

  switch (access.lakeBucket) {
    case 'read':
      allow(OBJECT_READ, [t.lakeBucket.arnForObjects('*')]);
      allow(BUCKET_READ, [t.lakeBucket.bucketArn]);
      break;
    case 'read-write':
      allow([...OBJECT_READ, ...OBJECT_WRITE], [t.lakeBucket.arnForObjects('*')]);
      allow([...BUCKET_READ, 's3:ListBucketMultipartUploads'], [t.lakeBucket.bucketArn]);
      break;
    case undefined:
      break;
  }

  const results = t.athenaResultsBucket.arnForObjects(`${t.athenaResultsPrefix}*`);
  switch (access.athenaResultsBucket) {
    case 'read':
      allow(OBJECT_READ, [results]);
      allow(BUCKET_READ, [t.athenaResultsBucket.bucketArn]);
      break;
    case 'read-write':
      // Athena writes query results with the caller's credentials.
      allow([...OBJECT_READ, ...OBJECT_WRITE], [results]);
      allow([...BUCKET_READ, 's3:ListBucketMultipartUploads'], [t.athenaResultsBucket.bucketArn]);
      break;
    case undefined:
      break;
  }

  if (access.athena === 'query') {
    allow(
      [
        'athena:StartQueryExecution',
        'athena:GetQueryExecution',
        'athena:GetQueryResults',
        'athena:StopQueryExecution',
      ],
      [t.lakeQuery.workgroupArn],
    );
    allow(
      ['glue:GetDatabase', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartition', 'glue:GetPartitions'],
      [t.lakeQuery.catalogArn, t.lakeQuery.databaseArn, ...t.lakeQuery.tableArns],
    );
  }

  const runs = tableAndIndexArns(t.runsTable, t.runsIndexNames);
  switch (access.runsTable) {
    case 'read':
      allow(ITEM_READ, runs);
      break;
    case 'read-write':
      allow(ITEM_READ, runs);
      allow(ITEM_WRITE, [t.runsTable.tableArn]);
      break;
    case undefined:
      break;
  }

  switch (access.recommendationsTable) {
    case 'read':
      allow(ITEM_READ, tableAndIndexArns(t.recommendationsTable, t.recommendationsIndexNames));
      break;
    case 'write':
      allow(['dynamodb:BatchWriteItem', 'dynamodb:PutItem'], [t.recommendationsTable.tableArn]);
      break;
    case undefined:
      break;
  }

  if (access.piiKeySecret === 'read') allow(['secretsmanager:GetSecretValue'], [t.piiKeySecret.secretArn]);

  if (access.stateMachine === 'start') {
    if (t.stateMachine === undefined) {
      throw new Error('a function that starts the state machine must be created after the state machine');
    }
    allow(['states:StartExecution'], [t.stateMachine.stateMachineArn]);
  }

  return statements;
}

export function grantAccess(grantee: IGrantable, access: Access, targets: AccessTargets): void {
  for (const statement of accessStatements(access, targets)) {
    grantee.grantPrincipal.addToPrincipalPolicy(statement);
  }
}

function tableAndIndexArns(table: ITableV2, indexNames: readonly string[]): string[] {
  return [table.tableArn, ...indexNames.map((name) => `${table.tableArn}/index/${name}`)];
}
