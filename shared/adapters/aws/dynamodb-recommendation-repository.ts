import { setTimeout as sleep } from 'node:timers/promises';
import { BatchWriteCommand, type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Recommendation } from '../../domain/recommendations/recommendation';
import type { RecommendationRepository } from '../../ports/recommendation-repository';

const BATCH_SIZE = 25; // DynamoDB's BatchWriteItem limit
const PARALLEL_BATCHES = 4;
const MAX_ATTEMPTS = 8;
const RETENTION_DAYS = 180;

type Item = Recommendation & { pk: string; sk: string; expiresAt: number };

function toItem(r: Recommendation, expiresAt: number): Item {
  return { pk: r.customerId, sk: `${r.runId}#${String(r.rank).padStart(3, '0')}`, expiresAt, ...r };
}

/** Recommendations keyed by customer, sorted by run and rank, expiring after the retention period. */
export class DynamoDbRecommendationRepository implements RecommendationRepository {
  public constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  public async putAll(
    recommendations: AsyncIterable<Recommendation> | Iterable<Recommendation>,
  ): Promise<{ written: number }> {
    const expiresAt = Math.floor(Date.now() / 1000) + RETENTION_DAYS * 86_400;
    let written = 0;
    let batch: Item[] = [];
    let inFlight: Promise<void>[] = [];
    for await (const r of recommendations) {
      batch.push(toItem(r, expiresAt));
      if (batch.length === BATCH_SIZE) {
        inFlight.push(this.writeBatch(batch));
        written += batch.length;
        batch = [];
        if (inFlight.length === PARALLEL_BATCHES) {
          await Promise.all(inFlight);
          inFlight = [];
        }
      }
    }
    if (batch.length > 0) {
      inFlight.push(this.writeBatch(batch));
      written += batch.length;
    }
    await Promise.all(inFlight);
    return { written };
  }

  public async forCustomer(customerId: string, runId: string): Promise<Recommendation[]> {
    const out = await this.ddb.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :c AND begins_with(sk, :run)',
        ExpressionAttributeValues: { ':c': customerId, ':run': `${runId}#` },
      }),
    );
    return (out.Items ?? []).map((item) => {
      const { pk: _pk, sk: _sk, expiresAt: _expiresAt, ...recommendation } = item as Item;
      return recommendation;
    });
  }

  /** Writes one batch, retrying throttled (unprocessed) items with exponential backoff. */
  private async writeBatch(items: Item[]): Promise<void> {
    let pending = items.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      if (attempt === MAX_ATTEMPTS) {
        throw new Error(
          `${pending.length} recommendations stayed unprocessed after ${MAX_ATTEMPTS} attempts`,
        );
      }
      if (attempt > 0) await sleep(50 * 2 ** attempt);
      const out = await this.ddb.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }));
      pending = (out.UnprocessedItems?.[this.tableName] ?? []) as typeof pending;
    }
  }
}
