import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { tables } from '#infra/topology/tables';
import { ROLES } from '#shared/domain/auth/roles';
import { athenaType, lakeTables } from '#shared/domain/lake/catalog';
import { flatten, logicalIdWithPrefix, resource, resources, single, synthesize } from './support';

let template: Template;

beforeAll(() => {
  template = synthesize().statefulTemplate;
});

function bucketId(prefix: string): string {
  return logicalIdWithPrefix(template, 'AWS::S3::Bucket', prefix);
}

describe('S3 buckets', () => {
  it('are all encrypted, private and owner-enforced', () => {
    const buckets = resources(template, 'AWS::S3::Bucket');
    expect(Object.keys(buckets).length).toBeGreaterThan(0);
    for (const [id, bucket] of Object.entries(buckets)) {
      const p = bucket.Properties ?? {};
      expect(p.BucketEncryption, id).toEqual({
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      });
      expect(p.PublicAccessBlockConfiguration, id).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(p.OwnershipControls, id).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    }
  });

  it('each deny requests that do not use TLS', () => {
    const policies = Object.values(resources(template, 'AWS::S3::BucketPolicy'));
    for (const id of Object.keys(resources(template, 'AWS::S3::Bucket'))) {
      const statements = policies
        .filter((p) => JSON.stringify(p.Properties.Bucket) === JSON.stringify({ Ref: id }))
        .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement);
      expect(statements, id).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Action: 's3:*',
          Principal: { AWS: '*' },
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      );
    }
  });

  it('log server access to the access-log bucket, which logs nowhere itself', () => {
    const logs = bucketId('AccessLogsBucket');
    for (const [id, bucket] of Object.entries(resources(template, 'AWS::S3::Bucket'))) {
      const logging = bucket.Properties.LoggingConfiguration as
        | { DestinationBucketName?: unknown }
        | undefined;
      if (id === logs) expect(logging, id).toBeUndefined();
      else expect(logging?.DestinationBucketName, id).toEqual({ Ref: logs });
    }
  });

  it('are retained when the stack is deleted', () => {
    for (const [id, bucket] of Object.entries(resources(template, 'AWS::S3::Bucket'))) {
      expect(bucket.DeletionPolicy, id).toBe('Retain');
      expect(bucket.UpdateReplacePolicy, id).toBe('Retain');
    }
  });

  it('landing is versioned, sends events to EventBridge and expires old versions', () => {
    const landing = bucketId('LandingBucket');
    const p = resource(template, 'AWS::S3::Bucket', landing).Properties;
    expect(p.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect((p.LifecycleConfiguration as { Rules: unknown[] }).Rules).toContainEqual(
      expect.objectContaining({ NoncurrentVersionExpiration: { NoncurrentDays: 30 }, Status: 'Enabled' }),
    );
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      BucketName: { Ref: landing },
      NotificationConfiguration: { EventBridgeConfiguration: {} },
    });
  });

  it('expires quarantine in the lake and every Athena result', () => {
    const rules = (prefix: string) =>
      (
        resource(template, 'AWS::S3::Bucket', bucketId(prefix)).Properties.LifecycleConfiguration as {
          Rules: Record<string, unknown>[];
        }
      ).Rules;
    expect(rules('LakeBucket')).toContainEqual(
      expect.objectContaining({ Prefix: 'quarantine/', ExpirationInDays: 90, Status: 'Enabled' }),
    );
    expect(rules('AthenaResultsBucket')).toContainEqual(
      expect.objectContaining({ ExpirationInDays: 30, Status: 'Enabled' }),
    );
    expect(rules('AthenaResultsBucket').every((r) => r.Prefix === undefined)).toBe(true);
  });
});

describe('DynamoDB tables', () => {
  const globalTables = () => Object.values(resources(template, 'AWS::DynamoDB::GlobalTable'));

  it.each(Object.entries(tables))('%s has the key design of the topology', (_name, spec) => {
    const keySchema = [
      { AttributeName: spec.partitionKey, KeyType: 'HASH' },
      ...('sortKey' in spec ? [{ AttributeName: spec.sortKey, KeyType: 'RANGE' }] : []),
    ];
    const table = globalTables().find(
      (t) => JSON.stringify(t.Properties.KeySchema) === JSON.stringify(keySchema),
    );
    expect(table).toBeDefined();
    const p = table?.Properties ?? {};
    const indexes = (p.GlobalSecondaryIndexes ?? []) as { IndexName: string; KeySchema: unknown }[];
    expect(indexes.map((i) => i.IndexName)).toEqual(spec.indexes.map((i) => i.name));
    for (const index of spec.indexes) {
      expect(indexes.find((i) => i.IndexName === index.name)?.KeySchema).toEqual([
        { AttributeName: index.partitionKey, KeyType: 'HASH' },
        { AttributeName: index.sortKey, KeyType: 'RANGE' },
      ]);
    }
    for (const attribute of p.AttributeDefinitions as { AttributeType: string }[]) {
      expect(attribute.AttributeType).toBe('S');
    }
    const ttl = 'timeToLiveAttribute' in spec ? spec.timeToLiveAttribute : undefined;
    expect(p.TimeToLiveSpecification).toEqual(ttl ? { AttributeName: ttl, Enabled: true } : undefined);
  });

  it('are on-demand, recoverable to a point in time, protected and CDK-named', () => {
    expect(globalTables().length).toBe(Object.keys(tables).length);
    for (const table of globalTables()) {
      const p = table.Properties ?? {};
      expect(p.BillingMode).toBe('PAY_PER_REQUEST');
      expect(p.TableName).toBeUndefined();
      for (const replica of p.Replicas as Record<string, unknown>[]) {
        expect(replica.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
        expect(replica.DeletionProtectionEnabled).toBe(true);
      }
      expect(table.DeletionPolicy).toBe('Retain');
    }
  });
});

describe('Cognito user pool', () => {
  it('is admin-provisioned with required TOTP MFA and a strong password policy', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      UserPoolTier: 'ESSENTIALS',
      Policies: {
        PasswordPolicy: Match.objectLike({
          MinimumLength: 14,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        }),
      },
      Schema: Match.arrayWith([
        Match.objectLike({ Name: 'partner_id', AttributeDataType: 'String', Mutable: true }),
      ]),
    });
  });

  it('puts partner_id into tokens with a V2 pre-token-generation trigger', () => {
    const fn = logicalIdWithPrefix(template, 'AWS::Lambda::Function', 'UsersPreTokenGenerationFunction');
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      LambdaConfig: {
        PreTokenGenerationConfig: { LambdaArn: { 'Fn::GetAtt': [fn, 'Arn'] }, LambdaVersion: 'V2_0' },
      },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Description: Match.stringLikeRegexp('partner_id'),
    });
  });

  it('has one group per role', () => {
    const groups = Object.values(resources(template, 'AWS::Cognito::UserPoolGroup')).map(
      (g) => g.Properties.GroupName,
    );
    expect([...groups].sort()).toEqual([...ROLES].sort());
  });

  it('has a public SRP client that cannot write partner_id', () => {
    const clients = Object.values(resources(template, 'AWS::Cognito::UserPoolClient'));
    expect(clients.length).toBeGreaterThan(0);
    for (const client of clients) {
      const p = client.Properties ?? {};
      expect(p.GenerateSecret).toBe(false);
      expect(p.ExplicitAuthFlows).toContain('ALLOW_USER_SRP_AUTH');
      expect(p.ExplicitAuthFlows).not.toContain('ALLOW_USER_PASSWORD_AUTH');
      expect(p.ReadAttributes).toContain('custom:partner_id');
      expect(p.WriteAttributes).not.toContain('custom:partner_id');
      expect((p.WriteAttributes as string[]).length).toBeGreaterThan(0);
    }
  });
});

describe('Glue catalog and Athena', () => {
  const lake = () => bucketId('LakeBucket');

  it.each(lakeTables.map((t) => [t.name, t] as const))(
    '%s is an external Parquet table over its curated prefix, projected by run (and month for events)',
    (name, table) => {
      const glueTable = Object.values(resources(template, 'AWS::Glue::Table')).find(
        (t) => (t.Properties.TableInput as { Name: string }).Name === name,
      );
      const input = (glueTable?.Properties.TableInput ?? {}) as Record<string, unknown>;
      const sd = input.StorageDescriptor as Record<string, unknown>;
      const params = input.Parameters as Record<string, unknown>;
      expect(input.TableType).toBe('EXTERNAL_TABLE');
      expect(flatten(sd.Location)).toBe(`s3://<Ref:${lake()}>/curated/${name}/`);
      expect(sd.InputFormat).toBe('org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat');
      expect(sd.OutputFormat).toBe('org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat');
      expect((sd.SerdeInfo as { SerializationLibrary: string }).SerializationLibrary).toBe(
        'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
      );
      expect((sd.Columns as { Name: string; Type: string }[]).map((c) => [c.Name, c.Type])).toEqual(
        table.columns.map((c) => [c.name, athenaType[c.storage]]),
      );
      expect(params['projection.enabled']).toBe('true');
      expect(params['projection.run_id.type']).toBe('injected');
      if (table.monthOf) {
        expect(input.PartitionKeys).toEqual([
          expect.objectContaining({ Name: 'run_id', Type: 'string' }),
          expect.objectContaining({ Name: 'month', Type: 'string' }),
        ]);
        expect(params).toMatchObject({
          'projection.month.type': 'date',
          'projection.month.format': 'yyyy-MM',
          'projection.month.range': '1970-01,NOW+1MONTHS',
          'projection.month.interval': '1',
          'projection.month.interval.unit': 'MONTHS',
        });
        expect(flatten(params['storage.location.template'])).toBe(
          `s3://<Ref:${lake()}>/curated/${name}/run_id=\${run_id}/month=\${month}/`,
        );
      } else {
        expect(input.PartitionKeys).toEqual([expect.objectContaining({ Name: 'run_id', Type: 'string' })]);
        expect(Object.keys(params).filter((k) => k.startsWith('projection.month'))).toEqual([]);
        expect(flatten(params['storage.location.template'])).toBe(
          `s3://<Ref:${lake()}>/curated/${name}/run_id=\${run_id}/`,
        );
      }
    },
  );

  it('keeps the tables in the database the workgroup queries', () => {
    const name = (single(template, 'AWS::Glue::Database').Properties.DatabaseInput as { Name: string }).Name;
    expect(name).toMatch(/^[a-z0-9_]+$/);
    for (const table of Object.values(resources(template, 'AWS::Glue::Table'))) {
      expect(table.Properties.DatabaseName).toBe(name);
      expect(table.DependsOn).toContain(logicalIdWithPrefix(template, 'AWS::Glue::Database', 'LakeDatabase'));
    }
  });

  it('runs queries in an enforced workgroup with encrypted results and a scan cutoff', () => {
    const workgroup = single(template, 'AWS::Athena::WorkGroup');
    const config = workgroup.Properties.WorkGroupConfiguration as Record<string, unknown>;
    expect(config.EnforceWorkGroupConfiguration).toBe(true);
    expect(config.PublishCloudWatchMetricsEnabled).toBe(true);
    expect(config.BytesScannedCutoffPerQuery).toBe(10 * 1024 ** 3);
    expect(config.EngineVersion).toEqual({ SelectedEngineVersion: 'Athena engine version 3' });
    const results = config.ResultConfiguration as Record<string, unknown>;
    expect(results.EncryptionConfiguration).toEqual({ EncryptionOption: 'SSE_S3' });
    expect(flatten(results.OutputLocation)).toBe(`s3://<Ref:${bucketId('AthenaResultsBucket')}>/results/`);
  });
});
