import { Stack } from 'aws-cdk-lib';
import { CfnWorkGroup } from 'aws-cdk-lib/aws-athena';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-glue';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  athenaType,
  FIRST_MONTH,
  type LakeTable,
  lakeTables,
  MONTH_KEY,
} from '../../shared/domain/lake/catalog';
import type { LakeQueryArns } from './access-grants';

export interface LakeCatalogProps {
  readonly lakeBucket: IBucket;
  readonly resultsBucket: IBucket;
  /** Where the workgroup writes query results, ending in `/`. */
  readonly resultsPrefix: string;
  /** A scan larger than this fails the query instead of the budget. */
  readonly bytesScannedCutoffPerQuery: number;
}

const PARQUET = {
  inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
  outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
  serdeInfo: {
    serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
    parameters: { 'serialization.format': '1' },
  },
} as const;

/**
 * The curated lake as Athena sees it: a Glue database with one external Parquet table per dataset,
 * and the workgroup every query runs in. Partitions are projected from the run id the query names,
 * so a run never waits for a crawler or MSCK REPAIR and never reads another run's snapshot.
 */
export class LakeCatalog extends Construct {
  public readonly databaseName: string;
  public readonly workgroupName: string;
  public readonly tableNames: readonly string[];
  public readonly queryArns: LakeQueryArns;

  public constructor(scope: Construct, id: string, props: LakeCatalogProps) {
    super(scope, id);
    const stack = Stack.of(this);
    // Glue names are lower case with underscores; derived from the stack so two deployments of the
    // app in one account do not share a catalog.
    this.databaseName = `${stack.stackName.toLowerCase().replace(/[^a-z0-9]+/g, '_')}_lake`;
    this.workgroupName = `${stack.stackName}-queries`;

    const database = new CfnDatabase(this, 'Database', {
      catalogId: stack.account,
      databaseInput: {
        name: this.databaseName,
        description: 'Curated partner batches, one table per dataset, partitioned by run (and event month).',
      },
    });

    this.tableNames = lakeTables.map((table) => {
      const cfn = new CfnTable(this, `Table-${table.name}`, {
        catalogId: stack.account,
        databaseName: this.databaseName,
        tableInput: tableInput(table, props.lakeBucket.bucketName),
      });
      cfn.addResourceDependency(database);
      return table.name;
    });

    const workgroup = new CfnWorkGroup(this, 'WorkGroup', {
      name: this.workgroupName,
      description: 'Feature queries of campaign runs.',
      state: 'ENABLED',
      // Deleting the stack must not fail because the workgroup has query history.
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        // Callers cannot point results elsewhere or turn encryption or the cutoff off.
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: `s3://${props.resultsBucket.bucketName}/${props.resultsPrefix}`,
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
        },
      },
    });

    const glueArn = (resource: string, resourceName?: string) =>
      stack.formatArn({ service: 'glue', resource, ...(resourceName ? { resourceName } : {}) });
    this.queryArns = {
      workgroupArn: stack.formatArn({
        service: 'athena',
        resource: 'workgroup',
        resourceName: workgroup.name,
      }),
      catalogArn: glueArn('catalog'),
      databaseArn: glueArn('database', this.databaseName),
      tableArns: this.tableNames.map((name) => glueArn('table', `${this.databaseName}/${name}`)),
    };
  }
}

function tableInput(table: LakeTable, bucketName: string): CfnTable.TableInputProperty {
  const root = `s3://${bucketName}/${table.prefix}`;
  const run = table.partitionKey;
  const byMonth = table.monthOf !== undefined;
  return {
    name: table.name,
    description: byMonth
      ? `Curated ${table.name}, one partition per run and month of ${table.monthOf}.`
      : `Curated ${table.name}, one partition per run.`,
    tableType: 'EXTERNAL_TABLE',
    parameters: {
      EXTERNAL: 'TRUE',
      classification: 'parquet',
      'projection.enabled': 'true',
      // The run id is whatever the query's WHERE names; Athena does not enumerate partitions.
      [`projection.${run}.type`]: 'injected',
      ...(byMonth
        ? {
            // Months are enumerated from the first one the lake keeps to next month (local
            // wall-clock times may run ahead of UTC); a WHERE on month narrows the list.
            [`projection.${MONTH_KEY}.type`]: 'date',
            [`projection.${MONTH_KEY}.format`]: 'yyyy-MM',
            [`projection.${MONTH_KEY}.range`]: `${FIRST_MONTH},NOW+1MONTHS`,
            [`projection.${MONTH_KEY}.interval`]: '1',
            [`projection.${MONTH_KEY}.interval.unit`]: 'MONTHS',
            'storage.location.template': `${root}${run}=\${${run}}/${MONTH_KEY}=\${${MONTH_KEY}}/`,
          }
        : { 'storage.location.template': `${root}${run}=\${${run}}/` }),
    },
    partitionKeys: [
      { name: run, type: 'string', comment: 'The run that curated it.' },
      ...(byMonth
        ? [{ name: MONTH_KEY, type: 'string', comment: `Month of ${table.monthOf}, yyyy-MM.` }]
        : []),
    ],
    storageDescriptor: {
      location: root,
      ...PARQUET,
      columns: table.columns.map((c) => ({
        name: c.name,
        type: athenaType[c.storage],
        comment: c.comment.slice(0, 255),
      })),
    },
  };
}
