import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { type DuckDBConnection, DuckDBInstance, quotedIdentifier, quotedString } from '@duckdb/node-api';
import {
  invalidRequest,
  type LakeTableLocation,
  type QueryRecord,
  type QueryState,
  type QuerySubmission,
  type StoredResult,
} from './athena-types';
import { applyTrinoCompat, rewriteTrinoSql } from './duckdb-compat';
import { LakeMirror } from './lake-mirror';
import { LakeViews, referencedTables } from './lake-views';
import {
  csvHeader,
  dropResult,
  exportResultCsv,
  readResultRows,
  storeResult,
  UnsupportedStatementError,
  uploadResultCsv,
} from './result-store';
import { bytesReadUnder, clearReadLog, logFileReads } from './scanned-bytes';
import { SerialQueue } from './serial-queue';
import { leadingKeyword, statementTypeOf, substituteParameters, trimStatement } from './sql-text';

export interface QueryRunnerOptions {
  s3: S3Client;
  database: string;
  tables: readonly LakeTableLocation[];
  cacheDir: string;
  output: { bucket: string; prefix: string };
  /** How many of the latest successful results stay in DuckDB for GetQueryResults; older ones are dropped. */
  resultsKept: number;
}

const UNSUPPORTED = 'local Athena supports SELECT and WITH queries only';

class QueryCancelledError extends Error {}

/**
 * Executes Athena queries on DuckDB, one at a time, with Athena's lifecycle
 * (QUEUED → RUNNING → SUCCEEDED | FAILED | CANCELLED). Each query first refreshes the S3 mirror
 * and the lake views, then stores its result in DuckDB (for GetQueryResults) and uploads it as
 * CSV to the output location before it is SUCCEEDED.
 */
export class QueryRunner {
  private readonly records = new Map<string, QueryRecord>();
  private readonly idsByToken = new Map<string, string>();
  /** Serializes the query connection: views are re-created before each query. */
  private readonly queue = new SerialQueue();
  /** Result pages are read on their own connection, so paging does not wait for a long query. */
  private readonly readQueue = new SerialQueue();
  private readonly inFlight = new Set<Promise<void>>();
  private runningId: string | undefined;
  /** Successful queries whose result is still in DuckDB, oldest first. */
  private readonly kept: QueryRecord[] = [];

  private constructor(
    private readonly options: QueryRunnerOptions,
    private readonly instance: DuckDBInstance,
    private readonly queryConnection: DuckDBConnection,
    private readonly readConnection: DuckDBConnection,
    private readonly mirror: LakeMirror,
    private readonly views: LakeViews,
    private readonly dirs: { db: string; tmp: string },
  ) {}

  /** Opens a fresh DuckDB database under `cacheDir` and prepares both connections. */
  static async create(options: QueryRunnerOptions): Promise<QueryRunner> {
    const dirs = { db: join(options.cacheDir, 'duckdb'), tmp: join(options.cacheDir, 'results') };
    await rm(dirs.db, { recursive: true, force: true });
    await mkdir(dirs.db, { recursive: true });
    await mkdir(dirs.tmp, { recursive: true });
    // On disk, so that large results spill there; named so that awsdatacatalog.<db>.<table> resolves.
    const instance = await DuckDBInstance.create(join(dirs.db, 'awsdatacatalog.duckdb'), { threads: '2' });
    const queryConnection = await instance.connect();
    const readConnection = await instance.connect();
    await applyTrinoCompat(queryConnection);
    await applyTrinoCompat(readConnection);
    await logFileReads(queryConnection);
    await queryConnection.run(`CREATE SCHEMA IF NOT EXISTS ${quotedIdentifier(options.database)}`);
    // The query's database is the default schema, as with QueryExecutionContext.Database.
    await queryConnection.run(`SET search_path = ${quotedString(`${options.database},main`)}`);
    const mirror = new LakeMirror(options.s3, options.tables, join(options.cacheDir, 's3'));
    const views = new LakeViews(options.database, options.tables, mirror);
    return new QueryRunner(options, instance, queryConnection, readConnection, mirror, views, dirs);
  }

  /** Queues a query, or returns the earlier one submitted with the same ClientRequestToken. */
  submit(submission: QuerySubmission): QueryRecord {
    const token = submission.clientRequestToken;
    const earlier = token === undefined ? undefined : this.records.get(this.idsByToken.get(token) ?? '');
    if (earlier) {
      if (earlier.query !== submission.query) {
        throw invalidRequest(
          'Idempotent parameters do not match: ClientRequestToken was used for another query',
        );
      }
      return earlier;
    }
    const record: QueryRecord = {
      ...submission,
      id: randomUUID(),
      statementType: statementTypeOf(leadingKeyword(submission.query)),
      state: 'QUEUED',
      submittedAt: Date.now(),
      engineMillis: 0,
      dataScannedBytes: 0,
    };
    this.records.set(record.id, record);
    if (token !== undefined) this.idsByToken.set(token, record.id);
    const execution = this.execute(record).finally(() => this.inFlight.delete(execution));
    this.inFlight.add(execution);
    return record;
  }

  /** The query, or InvalidRequestException when the id is unknown. */
  get(id: string): QueryRecord {
    const record = this.records.get(id);
    if (!record) throw invalidRequest(`QueryExecution ${id} was not found`);
    return record;
  }

  /** Ids of the workgroup's queries, newest first. */
  list(workgroup: string): string[] {
    return [...this.records.values()]
      .filter((record) => record.workgroup === workgroup)
      .sort((a, b) => b.submittedAt - a.submittedAt)
      .map((record) => record.id);
  }

  /** Cancels a queued or running query; a finished one is left as it is, like Athena does. */
  stop(id: string): void {
    const record = this.get(id);
    if (record.state !== 'QUEUED' && record.state !== 'RUNNING') return;
    this.transition(record, 'CANCELLED', 'Query was cancelled by user');
    if (this.runningId === id) this.queryConnection.interrupt();
  }

  /** Rows `[from, from + count)` of a SUCCEEDED query, as Athena's text. */
  async readRows(record: QueryRecord, from: number, count: number): Promise<(string | null)[][]> {
    const result = this.resultOf(record);
    if (count <= 0 || from >= result.rowCount) return [];
    return this.readQueue.run(() => readResultRows(this.readConnection, result, from, count));
  }

  /** The stored result, or the InvalidRequestException Athena gives for unfinished queries. */
  resultOf(record: QueryRecord): StoredResult {
    if (record.state === 'QUEUED' || record.state === 'RUNNING') {
      throw invalidRequest(`Query has not yet finished. Current state: ${record.state}`);
    }
    if (record.resultDropped) {
      throw invalidRequest(
        `The result of query ${record.id} is no longer kept: this local endpoint keeps the results of its latest ${this.options.resultsKept} queries. Its CSV is still at s3://${this.options.output.bucket}/${this.options.output.prefix}${record.id}.csv`,
      );
    }
    if (record.state !== 'SUCCEEDED' || !record.result) {
      const reason = record.stateChangeReason ? `\n${record.stateChangeReason}` : '';
      throw invalidRequest(`Query did not finish successfully. Final query state: ${record.state}${reason}`);
    }
    return record.result;
  }

  /** Cancels what is pending, waits for running work, and closes DuckDB. */
  async close(): Promise<void> {
    for (const record of this.records.values()) {
      if (record.state === 'QUEUED' || record.state === 'RUNNING') this.stop(record.id);
    }
    await Promise.allSettled([...this.inFlight]);
    await this.queue.drain();
    await this.readQueue.drain();
    this.queryConnection.closeSync();
    this.readConnection.closeSync();
    this.instance.closeSync();
    await rm(this.dirs.db, { recursive: true, force: true });
    await rm(this.dirs.tmp, { recursive: true, force: true });
  }

  private async execute(record: QueryRecord): Promise<void> {
    const csvFile = join(this.dirs.tmp, `${record.id}.csv`);
    try {
      const stored = await this.queue.run(async () => {
        if (record.state !== 'QUEUED') return undefined;
        this.transition(record, 'RUNNING');
        this.runningId = record.id;
        try {
          return await this.runQuery(record, csvFile);
        } finally {
          this.runningId = undefined;
        }
      });
      if (!stored) return;
      this.throwIfCancelled(record);
      const key = `${this.options.output.prefix}${record.id}.csv`;
      await uploadResultCsv(
        this.options.s3,
        { bucket: this.options.output.bucket, key },
        csvHeader(stored),
        csvFile,
      );
      this.throwIfCancelled(record);
      record.result = stored;
      this.transition(record, 'SUCCEEDED');
      this.kept.push(record);
      // Not in the catch below: a failed drop of an old result must not fail or drop this one.
      await this.dropOldResults().catch((error: unknown) => {
        console.warn(`local Athena: an old result could not be dropped: ${errorMessage(error)}`);
      });
    } catch (error) {
      if (record.state === 'RUNNING') this.transition(record, 'FAILED', errorMessage(error));
      await this.queue.run(() => dropResult(this.queryConnection, record.id)).catch(() => undefined);
    } finally {
      await rm(csvFile, { force: true }).catch(() => undefined);
    }
  }

  private async runQuery(record: QueryRecord, csvFile: string): Promise<StoredResult> {
    const connection = this.queryConnection;
    if (!['SELECT', 'WITH'].includes(leadingKeyword(record.query))) {
      throw new UnsupportedStatementError(UNSUPPORTED);
    }
    if (record.database.toLowerCase() !== this.options.database.toLowerCase()) {
      throw new Error(`SCHEMA_NOT_FOUND: Schema '${record.database}' does not exist`);
    }
    let sql = trimStatement(record.query);
    if (record.executionParameters?.length) sql = substituteParameters(sql, record.executionParameters);
    sql = rewriteTrinoSql(sql);
    if ((await connection.extractStatements(sql)).count !== 1) {
      throw new Error('Only one sql statement is allowed.');
    }

    await this.mirror.refresh();
    this.throwIfCancelled(record);
    await this.views.refresh(connection);
    const referenced = await referencedTables(connection, sql, this.options.database, this.options.tables);
    for (const table of referenced) {
      const reason = this.views.brokenReason(table);
      if (reason !== undefined)
        throw new Error(`Table ${this.options.database}.${table.name} cannot be read: ${reason}`);
    }

    await clearReadLog(connection);
    const engineStart = performance.now();
    const stored = await storeResult(connection, record.id, sql);
    record.dataScannedBytes = await bytesReadUnder(connection, this.mirror.root);
    this.throwIfCancelled(record);
    await exportResultCsv(connection, stored, csvFile);
    record.engineMillis = Math.round(performance.now() - engineStart);
    return stored;
  }

  /**
   * Drops the oldest results past `resultsKept`, on the read connection after any page of them
   * already queued, so a long query on the other connection does not hold it up.
   */
  private async dropOldResults(): Promise<void> {
    while (this.kept.length > this.options.resultsKept) {
      const oldest = this.kept.shift() as QueryRecord;
      oldest.resultDropped = true;
      delete oldest.result;
      await this.readQueue.run(() => dropResult(this.readConnection, oldest.id));
    }
  }

  private throwIfCancelled(record: QueryRecord): void {
    if (record.state === 'CANCELLED') throw new QueryCancelledError('cancelled');
  }

  private transition(record: QueryRecord, state: QueryState, reason?: string): void {
    record.state = state;
    if (reason !== undefined) record.stateChangeReason = reason;
    if (state === 'RUNNING') record.startedAt = Date.now();
    if (state === 'SUCCEEDED' || state === 'FAILED' || state === 'CANCELLED') record.completedAt = Date.now();
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
