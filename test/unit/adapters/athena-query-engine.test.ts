import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AthenaQueryEngine, parseS3Uri } from '#shared/adapters/aws/athena-query-engine';
import { QueryFailedError } from '#shared/domain/errors';
import { UsageMeter, withUsageMeter } from '#shared/lambda/usage-meter';
import type { ResultRow } from '#shared/ports/query-engine';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.AWS_REGION = 'us-east-1';

const athenaMock = mockClient(AthenaClient);
const settings = { workgroup: 'campaign-optimizer', database: 'campaign_lake', minPollMs: 1, maxPollMs: 2 };

const succeeded = {
  QueryExecution: {
    QueryExecutionId: 'q-1',
    Status: { State: 'SUCCEEDED' as const },
    ResultConfiguration: { OutputLocation: 's3://athena-results/results/q-1.csv' },
    Statistics: { DataScannedInBytes: 123_456, EngineExecutionTimeInMillis: 789 },
  },
};

async function collect(rows: AsyncIterable<ResultRow>): Promise<ResultRow[]> {
  const out: ResultRow[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

describe('AthenaQueryEngine.run', () => {
  let engine: AthenaQueryEngine;

  beforeEach(() => {
    athenaMock.reset();
    engine = new AthenaQueryEngine(new AthenaClient({ region: 'us-east-1' }), settings);
    athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
  });

  it('starts the query in the workgroup and database, polls until SUCCEEDED and returns the result', async () => {
    // Prepare
    athenaMock
      .on(GetQueryExecutionCommand)
      .resolvesOnce({ QueryExecution: { Status: { State: 'QUEUED' } } })
      .resolvesOnce({ QueryExecution: { Status: { State: 'RUNNING' } } })
      .resolves(succeeded);

    // Act
    const result = await engine.run('customer_features', 'SELECT 1');

    // Assess
    expect(result).toEqual({
      queryExecutionId: 'q-1',
      result: { bucket: 'athena-results', key: 'results/q-1.csv' },
      bytesScanned: 123_456,
      engineMs: 789,
    });
    expect(athenaMock.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input).toEqual({
      QueryString: 'SELECT 1',
      WorkGroup: 'campaign-optimizer',
      QueryExecutionContext: { Database: 'campaign_lake' },
    });
    const polls = athenaMock.commandCalls(GetQueryExecutionCommand);
    expect(polls).toHaveLength(3);
    expect(polls.map((c) => c.args[0].input)).toEqual([
      { QueryExecutionId: 'q-1' },
      { QueryExecutionId: 'q-1' },
      { QueryExecutionId: 'q-1' },
    ]);
  });

  it('throws QueryFailedError with the StateChangeReason when the query FAILED', async () => {
    athenaMock.on(GetQueryExecutionCommand).resolves({
      QueryExecution: {
        Status: {
          State: 'FAILED',
          StateChangeReason: "SYNTAX_ERROR: line 1:8: Column 'x' cannot be resolved",
        },
      },
    });

    const failure = engine.run('customer_features', 'SELECT x');

    await expect(failure).rejects.toBeInstanceOf(QueryFailedError);
    await expect(failure).rejects.toThrow(
      "query customer_features failed: SYNTAX_ERROR: line 1:8: Column 'x' cannot be resolved",
    );
  });

  it('names the state when a CANCELLED query has no reason', async () => {
    athenaMock.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'CANCELLED' } } });
    await expect(engine.run('q', 'SELECT 1')).rejects.toThrow('query q failed: CANCELLED');
  });

  it('fails when Athena returns no query execution id', async () => {
    athenaMock.on(StartQueryExecutionCommand).resolves({});
    await expect(engine.run('q', 'SELECT 1')).rejects.toThrow(
      'query q failed: Athena returned no query execution id',
    );
    expect(athenaMock.commandCalls(GetQueryExecutionCommand)).toHaveLength(0);
  });

  it('fails when the completed query has no output location', async () => {
    athenaMock.on(GetQueryExecutionCommand).resolves({
      QueryExecution: { Status: { State: 'SUCCEEDED' }, Statistics: { DataScannedInBytes: 1 } },
    });
    await expect(engine.run('q', 'SELECT 1')).rejects.toThrow(
      'query q failed: query q-1 has no output location',
    );
  });

  it('reports the bytes scanned to the usage meter of the invocation', async () => {
    athenaMock.on(GetQueryExecutionCommand).resolves(succeeded);
    const meter = new UsageMeter();

    await withUsageMeter(meter, async () => {
      await engine.run('a', 'SELECT 1');
      await engine.run('b', 'SELECT 2');
    });

    const usage = meter.snapshot(0, 0);
    expect(usage.athenaQueries).toBe(2);
    expect(usage.athenaBytesScanned).toBe(246_912);
  });

  it('counts a query with no statistics as 0 bytes, and runs unmetered outside an invocation', async () => {
    athenaMock.on(GetQueryExecutionCommand).resolves({
      QueryExecution: {
        Status: { State: 'SUCCEEDED' },
        ResultConfiguration: { OutputLocation: 's3://r/k.csv' },
      },
    });
    const meter = new UsageMeter();

    const metered = await withUsageMeter(meter, () => engine.run('a', 'SELECT 1'));
    const unmetered = await engine.run('b', 'SELECT 1');

    expect(metered.bytesScanned).toBe(0);
    expect(unmetered.engineMs).toBe(0);
    expect(meter.snapshot(0, 0).athenaQueries).toBe(1);
  });
});

describe('AthenaQueryEngine.rows', () => {
  let engine: AthenaQueryEngine;

  beforeEach(() => {
    athenaMock.reset();
    engine = new AthenaQueryEngine(new AthenaClient({ region: 'us-east-1' }), settings);
  });

  it('skips the header row of the first page only, maps NULL to null and follows NextToken', async () => {
    athenaMock
      .on(GetQueryResultsCommand)
      .resolvesOnce({
        ResultSet: {
          Rows: [
            { Data: [{ VarCharValue: 'customer_id' }, { VarCharValue: 'segment' }] },
            { Data: [{ VarCharValue: 'c1' }, { VarCharValue: 'Loyal' }] },
            { Data: [{ VarCharValue: 'c2' }, {}] },
          ],
        },
        NextToken: 'next-1',
      })
      .resolvesOnce({
        // A later page has no header: its first row is data.
        ResultSet: {
          Rows: [
            { Data: [{ VarCharValue: 'c3' }, { VarCharValue: 'New' }] },
            { Data: [{ VarCharValue: 'c4' }] },
          ],
        },
      });

    const rows = await collect(engine.rows('q-9'));

    expect(rows).toEqual([
      { customer_id: 'c1', segment: 'Loyal' },
      { customer_id: 'c2', segment: null },
      { customer_id: 'c3', segment: 'New' },
      { customer_id: 'c4', segment: null },
    ]);
    expect(athenaMock.commandCalls(GetQueryResultsCommand).map((c) => c.args[0].input)).toEqual([
      { QueryExecutionId: 'q-9', MaxResults: 1000, NextToken: undefined },
      { QueryExecutionId: 'q-9', MaxResults: 1000, NextToken: 'next-1' },
    ]);
  });

  it('yields nothing for a result with only the header', async () => {
    athenaMock
      .on(GetQueryResultsCommand)
      .resolves({ ResultSet: { Rows: [{ Data: [{ VarCharValue: 'n' }] }] } });
    expect(await collect(engine.rows('q'))).toEqual([]);
  });
});

describe('parseS3Uri', () => {
  it('splits bucket and key', () => {
    expect(parseS3Uri('s3://bucket/a/b/c.csv')).toEqual({ bucket: 'bucket', key: 'a/b/c.csv' });
  });

  it.each(['https://bucket/key', 's3://bucket', 's3://bucket/', 's3:///key'])('rejects %s', (uri) => {
    expect(() => parseS3Uri(uri)).toThrow(`not an s3:// URI: ${uri}`);
  });
});
