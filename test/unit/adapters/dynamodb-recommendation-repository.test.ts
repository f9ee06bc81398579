import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { DynamoDbRecommendationRepository } from '#shared/adapters/aws/dynamodb-recommendation-repository';
import type { Recommendation } from '#shared/domain/recommendations/recommendation';
import { sampleRecommendation } from '../../support/fakes';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.AWS_REGION = 'us-east-1';

// The backoff sleeps come from node:timers/promises: record them instead of waiting.
const sleeps = vi.hoisted(() => [] as number[]);
vi.mock('node:timers/promises', () => ({
  setTimeout: async (ms: number) => {
    sleeps.push(ms);
  },
}));

const ddbMock = mockClient(DynamoDBDocumentClient);
const TABLE = 'campaign-recommendations';

type PutRequest = { PutRequest: { Item: Record<string, unknown> } };

function recommendations(n: number): Recommendation[] {
  return Array.from({ length: n }, (_, i) =>
    sampleRecommendation({ customerId: `c${i}`, runId: 'r1', rank: 1 }),
  );
}

function requestsOf(call: number): PutRequest[] {
  const input = ddbMock.commandCalls(BatchWriteCommand)[call]?.args[0].input;
  return (input?.RequestItems?.[TABLE] ?? []) as PutRequest[];
}

describe('DynamoDbRecommendationRepository', () => {
  let repo: DynamoDbRecommendationRepository;

  beforeEach(() => {
    ddbMock.reset();
    sleeps.length = 0;
    repo = new DynamoDbRecommendationRepository(
      DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })),
      TABLE,
    );
  });

  describe('putAll', () => {
    it('writes in batches of 25 with customer, run#rank and expiry keys', async () => {
      ddbMock.on(BatchWriteCommand).resolves({});
      const before = Math.floor(Date.now() / 1000);

      const { written } = await repo.putAll(recommendations(60));

      const after = Math.floor(Date.now() / 1000);
      expect(written).toBe(60);
      expect(ddbMock.commandCalls(BatchWriteCommand).map((_, i) => requestsOf(i).length)).toEqual([
        25, 25, 10,
      ]);
      const all = [0, 1, 2].flatMap(requestsOf).map((r) => r.PutRequest.Item);
      expect(new Set(all.map((i) => i.pk)).size).toBe(60);
      const first = all.find((i) => i.pk === 'c0');
      expect(first).toMatchObject({
        ...sampleRecommendation({ customerId: 'c0', runId: 'r1' }),
        pk: 'c0',
        sk: 'r1#001',
      });
      // 180 days of retention, in epoch seconds.
      expect(first?.expiresAt).toBeGreaterThanOrEqual(before + 180 * 86_400);
      expect(first?.expiresAt).toBeLessThanOrEqual(after + 180 * 86_400);
      expect(sleeps).toEqual([]);
    });

    it('pads the rank so a run sorts its recommendations by rank', async () => {
      ddbMock.on(BatchWriteCommand).resolves({});
      await repo.putAll([sampleRecommendation({ rank: 12 })]);
      expect(requestsOf(0)[0]?.PutRequest.Item.sk).toBe('r1#012');
    });

    it('accepts an async iterable and writes nothing for none', async () => {
      ddbMock.on(BatchWriteCommand).resolves({});
      async function* three() {
        yield* recommendations(3);
      }
      expect(await repo.putAll(three())).toEqual({ written: 3 });
      expect(await repo.putAll([])).toEqual({ written: 0 });
      expect(ddbMock.commandCalls(BatchWriteCommand)).toHaveLength(1);
    });

    it('retries the unprocessed items, backing off', async () => {
      // Prepare: the first call leaves two items unprocessed.
      const items = recommendations(5);
      ddbMock
        .on(BatchWriteCommand)
        .callsFakeOnce(async (input: { RequestItems: Record<string, PutRequest[]> }) => ({
          UnprocessedItems: { [TABLE]: input.RequestItems[TABLE]?.slice(3) },
        }))
        .resolves({});

      // Act
      const { written } = await repo.putAll(items);

      // Assess
      expect(written).toBe(5);
      expect(ddbMock.commandCalls(BatchWriteCommand)).toHaveLength(2);
      expect(requestsOf(1).map((r) => r.PutRequest.Item.pk)).toEqual(['c3', 'c4']);
      expect(sleeps).toEqual([100]);
    });

    it('gives up with an error after 8 attempts', async () => {
      ddbMock
        .on(BatchWriteCommand)
        .callsFake(async (input: { RequestItems: Record<string, PutRequest[]> }) => ({
          UnprocessedItems: { [TABLE]: input.RequestItems[TABLE]?.slice(0, 2) },
        }));

      await expect(repo.putAll(recommendations(5))).rejects.toThrow(
        '2 recommendations stayed unprocessed after 8 attempts',
      );
      expect(ddbMock.commandCalls(BatchWriteCommand)).toHaveLength(8);
      expect(sleeps).toEqual([100, 200, 400, 800, 1600, 3200, 6400]);
    });

    it('fails when a batch write fails', async () => {
      ddbMock.on(BatchWriteCommand).rejects(new Error('throttled'));
      await expect(repo.putAll(recommendations(30))).rejects.toThrow('throttled');
    });
  });

  describe('forCustomer', () => {
    it('queries the customer partition for the run prefix and strips the key attributes', async () => {
      const r1 = sampleRecommendation({ customerId: 'c1', runId: 'r1', rank: 1 });
      const r2 = sampleRecommendation({ customerId: 'c1', runId: 'r1', rank: 2, offerId: 'o2' });
      ddbMock.on(QueryCommand).resolves({
        Items: [
          { pk: 'c1', sk: 'r1#001', expiresAt: 1, ...r1 },
          { pk: 'c1', sk: 'r1#002', expiresAt: 1, ...r2 },
        ],
      });

      expect(await repo.forCustomer('c1', 'r1')).toEqual([r1, r2]);
      expect(ddbMock.commandCalls(QueryCommand)[0]?.args[0].input).toEqual({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :c AND begins_with(sk, :run)',
        ExpressionAttributeValues: { ':c': 'c1', ':run': 'r1#' },
      });
    });

    it('returns [] when the customer has none', async () => {
      ddbMock.on(QueryCommand).resolves({});
      expect(await repo.forCustomer('c9', 'r1')).toEqual([]);
    });
  });
});
