import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { LakeCatalog } from './constructs/lake-catalog';
import { SecureBucket } from './constructs/secure-bucket';
import { UserDirectory } from './constructs/user-directory';
import {
  acknowledgeBucketNotificationsHandler,
  acknowledgeFunctionBasics,
  acknowledgePiiKeyRotation,
  acknowledgeUserPoolPlan,
} from './nag-suppressions';
import { type TableSpec, tables } from './topology/tables';

/** Athena writes query results under this prefix of the results bucket. */
const ATHENA_RESULTS_PREFIX = 'results/';
const TEN_GIB = 10 * 1024 ** 3;

/**
 * Everything that holds data or identity and must outlive a redeploy of the code: buckets,
 * tables, the Glue catalog with its Athena workgroup, and the user pool. Retained on deletion.
 */
export class StatefulStack extends Stack {
  public readonly accessLogsBucket: SecureBucket;
  public readonly landingBucket: SecureBucket;
  public readonly lakeBucket: SecureBucket;
  public readonly athenaResultsBucket: SecureBucket;
  public readonly athenaResultsPrefix = ATHENA_RESULTS_PREFIX;
  public readonly runsTable: TableV2;
  public readonly recommendationsTable: TableV2;
  public readonly lake: LakeCatalog;
  public readonly users: UserDirectory;
  /** The key that hashes personal data where a partner's mapping asks for it. */
  public readonly piiHashKey: Secret;

  public constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    this.accessLogsBucket = new SecureBucket(this, 'AccessLogsBucket', {
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(365) }],
    });
    const accessLogs = (prefix: string) => ({ bucket: this.accessLogsBucket, prefix: `${prefix}/` });
    const abortUploads = {
      id: 'abort-incomplete-uploads',
      abortIncompleteMultipartUploadAfter: Duration.days(2),
    };

    // Versioned because a run pins the manifest and file versions it started with; an upload
    // during the run creates a new version instead of changing what the run reads.
    this.landingBucket = new SecureBucket(this, 'LandingBucket', {
      versioned: true,
      eventBridgeEnabled: true,
      accessLogs: accessLogs('landing'),
      lifecycleRules: [
        abortUploads,
        // Runs take minutes; a month leaves room to re-run or investigate an overwritten batch.
        { id: 'expire-old-versions', noncurrentVersionExpiration: Duration.days(30) },
        { id: 'remove-expired-delete-markers', expiredObjectDeleteMarker: true },
      ],
    });

    this.lakeBucket = new SecureBucket(this, 'LakeBucket', {
      accessLogs: accessLogs('lake'),
      lifecycleRules: [
        abortUploads,
        // Refused rows and files are for the partner to fix their export, not for keeping.
        { id: 'expire-quarantine', prefix: 'quarantine/', expiration: Duration.days(90) },
      ],
    });

    this.athenaResultsBucket = new SecureBucket(this, 'AthenaResultsBucket', {
      accessLogs: accessLogs('athena-results'),
      lifecycleRules: [
        { ...abortUploads, abortIncompleteMultipartUploadAfter: Duration.days(1) },
        // Results are intermediate: the next stage of the same run reads them within the hour.
        { id: 'expire-results', expiration: Duration.days(30) },
      ],
    });

    this.runsTable = tableFrom(this, 'RunsTable', tables.runs);
    this.recommendationsTable = tableFrom(this, 'RecommendationsTable', tables.recommendations);

    this.lake = new LakeCatalog(this, 'Lake', {
      lakeBucket: this.lakeBucket,
      resultsBucket: this.athenaResultsBucket,
      resultsPrefix: ATHENA_RESULTS_PREFIX,
      bytesScannedCutoffPerQuery: TEN_GIB,
    });

    this.users = new UserDirectory(this, 'Users');

    this.piiHashKey = new Secret(this, 'PiiHashKey', {
      description: 'HMAC key that replaces personal data (e-mails, phones, names) by a keyed hash at intake.',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      // Losing the key makes hashed ids unmatchable across batches.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgePiiKeyRotation(this.piiHashKey);

    acknowledgeFunctionBasics(this.users.preTokenGeneration);
    acknowledgeUserPoolPlan(this.users.userPool);
    acknowledgeBucketNotificationsHandler(this);
  }
}

function tableFrom(scope: Construct, id: string, spec: TableSpec): TableV2 {
  const key = (name: string) => ({ name, type: AttributeType.STRING });
  return new TableV2(scope, id, {
    partitionKey: key(spec.partitionKey),
    ...(spec.sortKey ? { sortKey: key(spec.sortKey) } : {}),
    globalSecondaryIndexes: spec.indexes.map((index) => ({
      indexName: index.name,
      partitionKey: key(index.partitionKey),
      sortKey: key(index.sortKey),
    })),
    ...(spec.timeToLiveAttribute ? { timeToLiveAttribute: spec.timeToLiveAttribute } : {}),
    billing: Billing.onDemand(),
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
}
