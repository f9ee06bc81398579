import { createCipheriv } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  InvalidRequestException,
  type QueryExecution,
  type Row,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type LakeTableLocation,
  type LocalAthena,
  startLocalAthena,
} from '../../infra/local/athena/local-athena';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** The part of s3rver (CommonJS, untyped) this test uses. */
interface S3rverServer {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: Record<string, unknown>) => S3rverServer;
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverConstructor;

const WORKGROUP = 'campaign-optimizer';
const DATABASE = 'campaign_lake';
const OUTPUT = 's3://athena-results/results/';

const tables: LakeTableLocation[] = [
  {
    name: 'transactions',
    bucket: 'lake',
    prefix: 'curated/transactions/',
    partitionKey: 'run_id',
    columns: [
      { name: 'customer_id', storage: 'string' },
      { name: 'ts', storage: 'timestamp' },
      { name: 'quantity', storage: 'int' },
      { name: 'unit_price', storage: 'double' },
    ],
  },
  {
    name: 'contacts',
    bucket: 'lake',
    prefix: 'curated/contacts/',
    partitionKey: 'run_id',
    subPartitionKeys: ['month'],
    columns: [
      { name: 'customer_id', storage: 'string' },
      { name: 'ts', storage: 'timestamp' },
      { name: 'quantity', storage: 'int' },
      { name: 'unit_price', storage: 'double' },
    ],
  },
  {
    name: 'customers',
    bucket: 'lake',
    prefix: 'curated/customers/',
    partitionKey: 'run_id',
    columns: [
      { name: 'customer_id', storage: 'string' },
      { name: 'signup_date', storage: 'date' },
      { name: 'is_active', storage: 'boolean' },
    ],
  },
];

interface Txn {
  customer: string;
  ts: string;
  quantity: number;
  price: number | null;
}

function transactionsParquet(rows: readonly Txn[]): Uint8Array {
  const buffer = parquetWriteBuffer({
    columnData: [
      { name: 'customer_id', data: rows.map((r) => r.customer), type: 'STRING' },
      { name: 'ts', data: rows.map((r) => new Date(`${r.ts}Z`)), type: 'TIMESTAMP' },
      { name: 'quantity', data: rows.map((r) => r.quantity), type: 'INT32' },
      { name: 'unit_price', data: rows.map((r) => r.price), type: 'DOUBLE' },
    ],
  });
  return new Uint8Array(buffer);
}

const r1 = transactionsParquet([
  { customer: 'c1', ts: '2026-03-01T14:30:00', quantity: 2, price: 10.5 },
  { customer: 'c1', ts: '2026-03-03T09:00:00', quantity: 1, price: 4 },
  { customer: 'c2', ts: '2026-02-20T23:59:00', quantity: 3, price: 2.5 },
  { customer: 'c"3', ts: '2026-03-02T00:00:00', quantity: 1, price: null },
]);
const r2 = transactionsParquet([
  { customer: 'c1', ts: '2026-03-05T10:00:00', quantity: 5, price: 1 },
  { customer: 'c9', ts: '2026-03-06T11:00:00', quantity: 1, price: 99 },
]);
const r3 = transactionsParquet([{ customer: 'c4', ts: '2026-03-07T08:00:00', quantity: 2, price: 3 }]);

const RFM_SQL = `
  SELECT customer_id,
         COUNT(DISTINCT CAST(ts AS DATE)) AS frequency,
         SUM(quantity * unit_price) AS monetary,
         date_diff('day', MAX(CAST(ts AS DATE)), DATE '2026-03-10') AS recency_days,
         MAX(ts) AS last_ts
  FROM transactions
  WHERE run_id = 'r1'
  GROUP BY customer_id
  ORDER BY customer_id`;

/**
 * s3rver encrypts ListObjectsV2 continuation tokens with DES, which OpenSSL 3 only allows with
 * the legacy provider (`NODE_OPTIONS=--openssl-legacy-provider`); without it a second listing
 * page is a 500.
 */
const hasLegacyOpenSsl = (() => {
  try {
    createCipheriv('des', Buffer.alloc(8), Buffer.alloc(8));
    return true;
  } catch {
    return false;
  }
})();

let tempDir: string;
let s3rver: S3rverServer;
let s3: S3Client;
let athena: LocalAthena;
let client: AthenaClient;

async function putObject(bucket: string, key: string, body: Uint8Array): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
}

async function startQuery(
  sql: string,
  extra: { WorkGroup?: string; ClientRequestToken?: string } = {},
  on: AthenaClient = client,
): Promise<string> {
  const started = await on.send(
    new StartQueryExecutionCommand({
      QueryString: sql,
      WorkGroup: WORKGROUP,
      QueryExecutionContext: { Database: DATABASE },
      // Must be ignored: the workgroup's output location is enforced.
      ResultConfiguration: { OutputLocation: 's3://somewhere-else/ignored/' },
      ...extra,
    }),
  );
  if (!started.QueryExecutionId) throw new Error('no QueryExecutionId');
  return started.QueryExecutionId;
}

async function describeQuery(id: string, on: AthenaClient = client): Promise<QueryExecution> {
  const { QueryExecution: found } = await on.send(new GetQueryExecutionCommand({ QueryExecutionId: id }));
  if (!found) throw new Error(`no QueryExecution for ${id}`);
  return found;
}

async function waitForState(id: string, state: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((await describeQuery(id)).Status?.State !== state) {
    if (Date.now() > deadline) throw new Error(`query ${id} never reached ${state}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function waitForQuery(
  id: string,
  on: AthenaClient = client,
  timeoutMs = 60_000,
): Promise<QueryExecution> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await describeQuery(id, on);
    const state = found.Status?.State;
    if (state === 'SUCCEEDED' || state === 'FAILED' || state === 'CANCELLED') return found;
    if (Date.now() > deadline) throw new Error(`query ${id} still ${state}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function cells(row: Row | undefined): (string | null)[] {
  return (row?.Data ?? []).map((datum) => datum.VarCharValue ?? null);
}

/** Runs a query to completion and returns its data rows (header dropped) as text. */
async function queryRows(
  sql: string,
  on: AthenaClient = client,
): Promise<{ execution: QueryExecution; rows: (string | null)[][] }> {
  const id = await startQuery(sql, {}, on);
  const execution = await waitForQuery(id, on);
  expect(execution.Status?.State, execution.Status?.StateChangeReason).toBe('SUCCEEDED');
  const results = await on.send(new GetQueryResultsCommand({ QueryExecutionId: id }));
  return { execution, rows: (results.ResultSet?.Rows ?? []).slice(1).map(cells) };
}

async function readOutputCsv(id: string): Promise<string> {
  const object = await s3.send(new GetObjectCommand({ Bucket: 'athena-results', Key: `results/${id}.csv` }));
  return (await object.Body?.transformToString()) ?? '';
}

beforeAll(async () => {
  tempDir = await mkdtemp(join(tmpdir(), 'local-athena-'));
  s3rver = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: join(tempDir, 's3rver'),
    configureBuckets: [{ name: 'lake' }, { name: 'athena-results' }],
  });
  const { port } = await s3rver.run();
  s3 = new S3Client({
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${port}`,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  await putObject('lake', 'curated/transactions/run_id=r1/part-00000.parquet', r1);
  await putObject('lake', 'curated/transactions/run_id=r2/part-00000.parquet', r2);
  // A table partitioned by run and month, as the curated event datasets are.
  await putObject('lake', 'curated/contacts/run_id=r1/month=2026-02/part-00000.parquet', r1);
  await putObject('lake', 'curated/contacts/run_id=r1/month=2026-03/part-00001.parquet', r2);
  athena = await startLocalAthena({
    s3,
    workgroup: WORKGROUP,
    database: DATABASE,
    outputLocation: OUTPUT,
    tables,
    cacheDir: join(tempDir, 'cache'),
  });
  client = new AthenaClient({
    region: 'us-east-1',
    endpoint: athena.endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

afterAll(async () => {
  client?.destroy();
  await athena?.stop();
  s3?.destroy();
  await s3rver?.close();
  if (tempDir) await rm(tempDir, { recursive: true, force: true });
});

describe('local Athena over DuckDB', () => {
  it('runs an RFM query on one partition, billing only that partition', async () => {
    const id = await startQuery(RFM_SQL);
    const execution = await waitForQuery(id);

    expect(execution.Status?.State, execution.Status?.StateChangeReason).toBe('SUCCEEDED');
    expect(execution.StatementType).toBe('DML');
    expect(execution.WorkGroup).toBe(WORKGROUP);
    expect(execution.Query).toBe(RFM_SQL);
    expect(execution.QueryExecutionContext?.Database).toBe(DATABASE);
    expect(execution.ResultConfiguration?.OutputLocation).toBe(`${OUTPUT}${id}.csv`);
    expect(execution.Status?.SubmissionDateTime).toBeInstanceOf(Date);
    expect(execution.Status?.CompletionDateTime?.getTime()).toBeGreaterThanOrEqual(
      execution.Status?.SubmissionDateTime?.getTime() ?? Number.POSITIVE_INFINITY,
    );
    // Measured from DuckDB's reads of the lake files (see the billing test below).
    expect(execution.Statistics?.DataScannedInBytes).toBeGreaterThan(0);
    expect(execution.Statistics?.TotalExecutionTimeInMillis).toBeGreaterThanOrEqual(0);

    const results = await client.send(new GetQueryResultsCommand({ QueryExecutionId: id }));
    expect(results.NextToken).toBeUndefined();
    expect(results.ResultSet?.ResultSetMetadata?.ColumnInfo?.map((c) => [c.Name, c.Type])).toEqual([
      ['customer_id', 'varchar'],
      ['frequency', 'bigint'],
      ['monetary', 'double'],
      ['recency_days', 'bigint'],
      ['last_ts', 'timestamp'],
    ]);
    expect(results.ResultSet?.Rows?.map(cells)).toEqual([
      ['customer_id', 'frequency', 'monetary', 'recency_days', 'last_ts'],
      ['c"3', '1', null, '8', '2026-03-02 00:00:00.000'],
      ['c1', '2', '25.0', '7', '2026-03-03 09:00:00.000'],
      ['c2', '1', '7.5', '18', '2026-02-20 23:59:00.000'],
    ]);
  });

  it('pages results with MaxResults and NextToken, header first and NULL as an empty datum', async () => {
    const id = await startQuery(RFM_SQL);
    await waitForQuery(id);

    const first = await client.send(new GetQueryResultsCommand({ QueryExecutionId: id, MaxResults: 2 }));
    expect(first.ResultSet?.Rows?.map(cells)).toEqual([
      ['customer_id', 'frequency', 'monetary', 'recency_days', 'last_ts'],
      ['c"3', '1', null, '8', '2026-03-02 00:00:00.000'],
    ]);
    expect(first.ResultSet?.Rows?.[1]?.Data?.[2]).toEqual({});
    expect(first.NextToken).toBeTypeOf('string');

    const second = await client.send(
      new GetQueryResultsCommand({ QueryExecutionId: id, MaxResults: 2, NextToken: first.NextToken }),
    );
    expect(second.ResultSet?.Rows?.map(cells)).toEqual([
      ['c1', '2', '25.0', '7', '2026-03-03 09:00:00.000'],
      ['c2', '1', '7.5', '18', '2026-02-20 23:59:00.000'],
    ]);
    expect(second.ResultSet?.ResultSetMetadata?.ColumnInfo).toHaveLength(5);
    expect(second.NextToken).toBeUndefined();
  });

  it("writes the full result as Athena's CSV to the workgroup's output location", async () => {
    const id = await startQuery(RFM_SQL);
    await waitForQuery(id);

    expect(await readOutputCsv(id)).toBe(
      [
        '"customer_id","frequency","monetary","recency_days","last_ts"',
        '"c""3","1",,"8","2026-03-02 00:00:00.000"',
        '"c1","2","25.0","7","2026-03-03 09:00:00.000"',
        '"c2","1","7.5","18","2026-02-20 23:59:00.000"',
        '',
      ].join('\n'),
    );
  });

  it('writes numbers, booleans and dates to the CSV as GetQueryResults shows them, though it skips their cast', async () => {
    const sql = `SELECT
        x,
        CAST(x AS DOUBLE) / 3 AS third,
        CAST(x AS DOUBLE) * 1e-9 AS tiny,
        CAST(x AS DOUBLE) * 1e21 AS huge,
        CAST(x AS DOUBLE) AS whole,
        CAST(x AS DOUBLE) * 0.1 + 0.2 AS inexact,
        CAST(x AS TINYINT) AS small,
        CAST(x AS BIGINT) * 4611686018427387903 AS wide,
        SUM(CAST(x AS BIGINT)) OVER () AS total,
        x > 1 AS flag,
        CAST(concat('2026-01-0', CAST(abs(x) AS VARCHAR)) AS DATE) AS day,
        CAST(concat('2026-01-0', CAST(abs(x) AS VARCHAR), ' 10:00:00') AS TIMESTAMP) AS at,
        CAST(CASE WHEN x = 1 THEN 'NaN' WHEN x = 2 THEN 'Infinity' ELSE '-Infinity' END AS DOUBLE) AS special,
        CAST(CASE WHEN x = 2 THEN NULL ELSE -0.0 END AS DOUBLE) AS maybe
      FROM (VALUES (1), (2), (-1)) AS t(x)
      ORDER BY x`;
    const { execution, rows } = await queryRows(sql);
    const quoted = (row: (string | null)[]) => row.map((v) => (v === null ? '' : `"${v}"`)).join(',');

    const csv = (await readOutputCsv(execution.QueryExecutionId ?? '')).split('\n').slice(1, -1);

    expect(rows).toHaveLength(3);
    expect(csv).toEqual(rows.map(quoted));
  });

  it('exposes a month partition below the run as a string column, like the Glue table', async () => {
    const { rows } = await queryRows(
      "SELECT month, typeof(month), count(*) FROM contacts WHERE run_id = 'r1' GROUP BY month ORDER BY month",
    );
    expect(rows).toEqual([
      ['2026-02', 'VARCHAR', '4'],
      ['2026-03', 'VARCHAR', '2'],
    ]);
  });

  it('queries a table without files as an empty table', async () => {
    const { execution, rows } = await queryRows('SELECT customer_id, signup_date, is_active FROM customers');

    expect(rows).toEqual([]);
    expect(execution.Statistics?.DataScannedInBytes).toBe(0);
    expect(await readOutputCsv(execution.QueryExecutionId ?? '')).toBe(
      '"customer_id","signup_date","is_active"\n',
    );
  });

  it('names columns like Athena: _col<i> for expressions, unquoted names lower-cased', async () => {
    const id = await startQuery('SELECT count(*), 7 % 3 AS Remainder, 1 AS "MixedCase" FROM customers');
    await waitForQuery(id);
    const results = await client.send(new GetQueryResultsCommand({ QueryExecutionId: id }));

    expect(results.ResultSet?.Rows?.map(cells)).toEqual([
      ['_col0', 'remainder', 'MixedCase'],
      ['0', '1', '1'],
    ]);
    expect(results.ResultSet?.ResultSetMetadata?.ColumnInfo?.map((c) => c.Type)).toEqual([
      'bigint',
      'integer',
      'integer',
    ]);
  });

  it('fails a query with a SQL error, giving DuckDB’s reason', async () => {
    const id = await startQuery('SELECT no_such_column FROM transactions');
    const execution = await waitForQuery(id);

    expect(execution.Status?.State).toBe('FAILED');
    expect(execution.Status?.StateChangeReason).toMatch(/Binder Error.*no_such_column/);
    expect(execution.Status?.AthenaError?.ErrorMessage).toBe(execution.Status?.StateChangeReason);
    await expect(client.send(new GetQueryResultsCommand({ QueryExecutionId: id }))).rejects.toThrow(
      /Final query state: FAILED/,
    );
  });

  it('fails statements other than SELECT and WITH', async () => {
    const id = await startQuery('CREATE TABLE copy_of_transactions AS SELECT * FROM transactions');
    const execution = await waitForQuery(id);

    expect(execution.Status?.State).toBe('FAILED');
    expect(execution.StatementType).toBe('DDL');
    expect(execution.Status?.StateChangeReason).toContain(
      'local Athena supports SELECT and WITH queries only',
    );
  });

  it('rejects an unknown workgroup with InvalidRequestException', async () => {
    const attempt = client.send(
      new StartQueryExecutionCommand({ QueryString: 'SELECT 1', WorkGroup: 'not-ours' }),
    );

    await expect(attempt).rejects.toBeInstanceOf(InvalidRequestException);
    await expect(attempt).rejects.toThrow('WorkGroup not-ours is not found.');
  });

  it('answers an unknown operation with a 400 UnknownOperationException', async () => {
    const response = await fetch(athena.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AmazonAthena.DropEverything',
      },
      body: '{}',
    });

    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    expect(await response.json()).toMatchObject({ __type: 'UnknownOperationException' });
  });

  it('returns the same execution for the same ClientRequestToken', async () => {
    const token = 'token-0123456789-0123456789-0123456789';
    const first = await startQuery('SELECT 1 AS one', { ClientRequestToken: token });
    const second = await startQuery('SELECT 1 AS one', { ClientRequestToken: token });

    expect(second).toBe(first);
  });

  it('answers like Trino for integer division, day_of_week and date_diff', async () => {
    const { rows } = await queryRows(`
      SELECT 7/2 AS int_div,
             day_of_week(DATE '2024-01-07') AS dow,
             date_diff('day', DATE '2024-01-01', DATE '2024-03-01') AS days,
             date_parse('2024-03-05 14:07', '%Y-%m-%d %H:%i') AS parsed`);

    expect(rows).toEqual([['3', '7', '60', '2024-03-05 14:07:00.000']]);
  });

  it('provides the other Trino functions DuckDB lacks', async () => {
    const { rows } = await queryRows(`
      SELECT approx_percentile(x, 0.5) AS median,
             approx_distinct(x) AS distinct_x,
             regexp_like('campaign-42', '\\d+$') AS matches,
             to_unixtime(TIMESTAMP '2024-01-01 00:00:00') AS unix,
             from_unixtime(86400) AS from_unix,
             from_iso8601_date('2024-03-05') AS iso_date,
             cardinality(ARRAY[1, 2, 3]) AS n,
             rand() < 1 AND rand(10) < 10 AS random_ok,
             date_format(TIMESTAMP '2024-03-05 14:07:00', '%Y/%m/%d %H:%i') AS formatted
      FROM (VALUES (1), (2), (3)) AS t(x)`);

    expect(rows).toEqual([
      [
        '2',
        '3',
        'true',
        '1704067200.0',
        '1970-01-02 00:00:00.000',
        '2024-03-05',
        '3',
        'true',
        '2024/03/05 14:07',
      ],
    ]);
  });

  it('cancels queued and running queries and keeps serving afterwards', async () => {
    // Minutes of work for DuckDB: it only ends early if it is interrupted.
    const running = await startQuery('SELECT count(*) AS n FROM range(1000000000000)');
    await waitForState(running, 'RUNNING');
    // Let the mirror refresh finish so that DuckDB itself is busy and has to be interrupted.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const queued = await startQuery('SELECT 2 AS two');
    expect((await describeQuery(queued)).Status?.State).toBe('QUEUED');

    await client.send(new StopQueryExecutionCommand({ QueryExecutionId: running }));
    await client.send(new StopQueryExecutionCommand({ QueryExecutionId: queued }));

    expect((await waitForQuery(running)).Status?.State).toBe('CANCELLED');
    expect((await waitForQuery(queued)).Status?.State).toBe('CANCELLED');
    await expect(client.send(new GetQueryResultsCommand({ QueryExecutionId: running }))).rejects.toThrow(
      /Final query state: CANCELLED/,
    );
    // The connection is free again only if the running statement was really interrupted.
    const next = await startQuery('SELECT 3 AS three');
    expect((await waitForQuery(next, client, 10_000)).Status?.State).toBe('SUCCEEDED');
  });

  it('sees a partition uploaded after an earlier query (mirror refresh)', async () => {
    const countsSql = `
      SELECT run_id, COUNT(*) AS n FROM ${DATABASE}.transactions GROUP BY run_id ORDER BY run_id`;
    expect((await queryRows(countsSql)).rows).toEqual([
      ['r1', '4'],
      ['r2', '2'],
    ]);

    // A numeric-looking partition value must stay text ('0003', not 3), like Glue's string key.
    await putObject('lake', 'curated/transactions/run_id=0003/part-00000.parquet', r3);
    const after = await queryRows(countsSql);

    expect(after.rows).toEqual([
      ['0003', '1'],
      ['r1', '4'],
      ['r2', '2'],
    ]);
    // Counting rows per partition key reads Parquet metadata only: no column data is billed.
    expect(after.execution.Statistics?.DataScannedInBytes).toBe(0);
  });

  it('bills the columns and partitions a query reads, as Athena does, every time it reads them', async () => {
    const scanned = async (sql: string) =>
      (await queryRows(sql)).execution.Statistics?.DataScannedInBytes ?? Number.NaN;
    const oneColumn = await scanned("SELECT SUM(quantity) FROM transactions WHERE run_id = 'r1'");
    const twoColumns = await scanned(
      "SELECT SUM(quantity * unit_price) FROM transactions WHERE run_id = 'r1'",
    );
    const otherPartition = await scanned("SELECT SUM(quantity) FROM transactions WHERE run_id = 'r2'");
    const both = await scanned("SELECT SUM(quantity) FROM transactions WHERE run_id IN ('r1', 'r2')");
    expect(oneColumn).toBeGreaterThan(0);
    expect(twoColumns).toBeGreaterThan(oneColumn);
    expect(twoColumns).toBeLessThan(r1.byteLength);
    expect(otherPartition).toBeGreaterThan(0);
    expect(both).toBe(oneColumn + otherPartition);
    // No cache makes a repeated query cheaper: Athena bills every scan.
    expect(await scanned("SELECT SUM(quantity) FROM transactions WHERE run_id = 'r1'")).toBe(oneColumn);
  });
});

describe('local Athena on a table listed over several ListObjectsV2 pages', () => {
  const events: LakeTableLocation = {
    name: 'events',
    bucket: 'lake',
    prefix: 'curated/events/',
    partitionKey: 'run_id',
    columns: [{ name: 'customer_id', storage: 'string' }],
  };
  const file = new Uint8Array(
    parquetWriteBuffer({ columnData: [{ name: 'customer_id', data: ['c1'], type: 'STRING' }] }),
  );

  it.runIf(hasLegacyOpenSsl)(
    'mirrors objects beyond the first page (needs --openssl-legacy-provider)',
    async () => {
      // 1000 marker objects (not data: the mirror skips `_` files) sort between the two partitions,
      // so the second one is only seen through a continuation token (S3 pages hold 1000 keys).
      const markers = Array.from({ length: 1000 }, (_, i) => `${events.prefix}run_id=0005/_marker${i}`);
      for (let i = 0; i < markers.length; i += 100) {
        await Promise.all(markers.slice(i, i + 100).map((key) => putObject('lake', key, new Uint8Array())));
      }
      await putObject('lake', `${events.prefix}run_id=0001/part-00000.parquet`, file);
      await putObject('lake', `${events.prefix}run_id=0009/part-00000.parquet`, file);
      const eventsAthena = await startLocalAthena({
        s3,
        workgroup: WORKGROUP,
        database: DATABASE,
        outputLocation: OUTPUT,
        tables: [events],
        cacheDir: join(tempDir, 'cache-events'),
      });
      const eventsClient = new AthenaClient({
        region: 'us-east-1',
        endpoint: eventsAthena.endpoint,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
      try {
        const { execution, rows } = await queryRows(
          'SELECT run_id, count(*) AS n FROM events GROUP BY run_id ORDER BY run_id',
          eventsClient,
        );

        // Partition values that all look numeric still read as text, like Glue's string key.
        expect(rows).toEqual([
          ['0001', '1'],
          ['0009', '1'],
        ]);
        // Rows per partition come from Parquet metadata: no column data is read, none is billed.
        expect(execution.Statistics?.DataScannedInBytes).toBe(0);
      } finally {
        eventsClient.destroy();
        await eventsAthena.stop();
      }
    },
  );
});

describe('local Athena keeping only the latest results', () => {
  it('drops the oldest result past resultsKept: GetQueryResults says so, its CSV stays', async () => {
    const keeping = await startLocalAthena({
      s3,
      workgroup: WORKGROUP,
      database: DATABASE,
      outputLocation: OUTPUT,
      tables,
      cacheDir: join(tempDir, 'cache-kept'),
      resultsKept: 2,
    });
    const keepingClient = new AthenaClient({
      region: 'us-east-1',
      endpoint: keeping.endpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    try {
      const ids: string[] = [];
      for (const n of [1, 2, 3]) {
        const id = await startQuery(`SELECT ${n} AS n`, {}, keepingClient);
        expect((await waitForQuery(id, keepingClient)).Status?.State).toBe('SUCCEEDED');
        ids.push(id);
      }
      const [first, second, third] = ids as [string, string, string];
      await expect(
        keepingClient.send(new GetQueryResultsCommand({ QueryExecutionId: first })),
      ).rejects.toMatchObject({
        name: 'InvalidRequestException',
        message: expect.stringContaining(`keeps the results of its latest 2 queries`),
      });
      // The execution itself is still described, and its CSV is where Athena would have left it.
      expect((await describeQuery(first, keepingClient)).Status?.State).toBe('SUCCEEDED');
      expect(await readOutputCsv(first)).toBe('"n"\n"1"\n');
      for (const [id, n] of [
        [second, '2'],
        [third, '3'],
      ] as const) {
        const results = await keepingClient.send(new GetQueryResultsCommand({ QueryExecutionId: id }));
        expect(cells(results.ResultSet?.Rows?.[1])).toEqual([n]);
      }
    } finally {
      keepingClient.destroy();
      await keeping.stop();
    }
  });
});
