import { RemovalPolicy } from 'aws-cdk-lib';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type IBucket,
  type LifecycleRule,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

export interface SecureBucketProps {
  /** Where S3 server access logs go; only the access-log bucket itself has none. */
  readonly accessLogs?: { readonly bucket: IBucket; readonly prefix: string };
  readonly versioned?: boolean;
  readonly eventBridgeEnabled?: boolean;
  readonly lifecycleRules?: LifecycleRule[];
}

/**
 * A private bucket with the settings no bucket here may go without: encryption at rest, TLS only,
 * no public access, no ACLs, and retained on stack deletion because it holds data.
 * SSE-S3 rather than KMS: S3 access logs cannot be delivered to a KMS-encrypted bucket, and the
 * data buckets gain nothing from a customer key that the bucket policy does not already give.
 */
export class SecureBucket extends Bucket {
  public constructor(scope: Construct, id: string, props: SecureBucketProps = {}) {
    super(scope, id, {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      versioned: props.versioned ?? false,
      eventBridgeEnabled: props.eventBridgeEnabled ?? false,
      lifecycleRules: props.lifecycleRules ?? [],
      ...(props.accessLogs
        ? {
            serverAccessLogsBucket: props.accessLogs.bucket,
            serverAccessLogsPrefix: props.accessLogs.prefix,
          }
        : {}),
    });
  }
}
