import { startAwsJsonServer } from '../aws-json-server';
import { athenaOperations } from './athena-operations';
import { DEFAULT_RESULTS_KEPT, type LocalAthena, type LocalAthenaOptions } from './athena-types';
import { QueryRunner } from './query-runner';

export type { LakeTableLocation, LocalAthena, LocalAthenaOptions } from './athena-types';

/**
 * Starts a local Athena endpoint over DuckDB for an unchanged `@aws-sdk/client-athena`: set the
 * client's `endpoint` (or AWS_ENDPOINT_URL_ATHENA) to the returned `endpoint`. Lake tables are
 * read from the S3 emulator through a local mirror in `cacheDir`; results go to
 * `${outputLocation}${QueryExecutionId}.csv` like Athena's.
 */
export async function startLocalAthena(options: LocalAthenaOptions): Promise<LocalAthena> {
  const output = parseOutputLocation(options.outputLocation);
  const runner = await QueryRunner.create({
    s3: options.s3,
    database: options.database,
    tables: options.tables,
    cacheDir: options.cacheDir,
    output,
    resultsKept: options.resultsKept ?? DEFAULT_RESULTS_KEPT,
  });
  try {
    const operations = athenaOperations(runner, {
      workgroup: options.workgroup,
      database: options.database,
      outputLocation: `s3://${output.bucket}/${output.prefix}`,
    });
    const server = await startAwsJsonServer({
      targetPrefix: 'AmazonAthena',
      contentType: 'application/x-amz-json-1.1',
      operations,
      port: options.port ?? 0,
    });
    return {
      endpoint: server.endpoint,
      stop: async () => {
        await server.close();
        await runner.close();
      },
    };
  } catch (error) {
    await runner.close();
    throw error;
  }
}

/** `s3://bucket/prefix/` → bucket and a key prefix that is empty or ends in `/`. */
export function parseOutputLocation(location: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(location);
  const bucket = match?.[1];
  if (bucket === undefined)
    throw new Error(`outputLocation must look like s3://bucket/prefix/, got ${location}`);
  const prefix = match?.[2] ?? '';
  return { bucket, prefix: prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/` };
}
