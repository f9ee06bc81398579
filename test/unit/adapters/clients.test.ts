import { Readable } from 'node:stream';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CopyObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { metered } from '#shared/adapters/aws/clients';
import { UsageMeter, withUsageMeter } from '#shared/lambda/usage-meter';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.AWS_REGION = 'us-east-1';

/**
 * aws-sdk-client-mock replaces `send`, so the middleware stack (where the metering lives) would
 * never run. These tests keep the whole SDK stack and swap only the HTTP handler: every request
 * is serialised, signed and answered with a canned response, and the request is kept.
 */
interface SentRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

function fakeHttp(
  answer: (request: SentRequest) => { status?: number; headers?: Record<string, string>; body?: string },
) {
  const sent: SentRequest[] = [];
  const handler = {
    metadata: { handlerProtocol: 'http/1.1' },
    handle: async (request: {
      method: string;
      path: string;
      headers: Record<string, string>;
      body?: unknown;
    }) => {
      const body =
        typeof request.body === 'string'
          ? request.body
          : request.body instanceof Uint8Array
            ? Buffer.from(request.body).toString('utf8')
            : '';
      const seen = { method: request.method, path: request.path, headers: request.headers, body };
      sent.push(seen);
      const reply = answer(seen);
      return {
        response: {
          statusCode: reply.status ?? 200,
          headers: reply.headers ?? {},
          body: Readable.from([Buffer.from(reply.body ?? '')]),
        },
      };
    },
    updateHttpClientConfig: () => undefined,
    httpHandlerConfigs: () => ({}),
    destroy: () => undefined,
  };
  return { handler, sent };
}

const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };

function meteredS3() {
  const http = fakeHttp((request) => {
    if (request.method === 'GET' && request.path === '/b/') {
      // ListObjectsV2 on bucket b (path style)
      return {
        body: '<?xml version="1.0"?><ListBucketResult><Name>b</Name><KeyCount>0</KeyCount></ListBucketResult>',
      };
    }
    if (request.headers['x-amz-copy-source']) {
      return { body: '<?xml version="1.0"?><CopyObjectResult><ETag>"e"</ETag></CopyObjectResult>' };
    }
    return {
      headers: { etag: '"e"', 'content-length': request.method === 'GET' ? '2' : '0' },
      body: request.method === 'GET' ? 'hi' : '',
    };
  });
  const s3 = metered.s3(
    new S3Client({
      region: 'us-east-1',
      credentials,
      forcePathStyle: true,
      requestHandler: http.handler as never,
    }),
  );
  return { s3, sent: http.sent };
}

function meteredDynamoDb(consumed: unknown) {
  const http = fakeHttp((request) => {
    const target = request.headers['x-amz-target'] ?? '';
    if (target.endsWith('DescribeTable')) return { body: JSON.stringify({ Table: { TableName: 't' } }) };
    return { body: JSON.stringify(consumed === undefined ? {} : { ConsumedCapacity: consumed }) };
  });
  const doc = metered.dynamodb(
    new DynamoDBClient({ region: 'us-east-1', credentials, requestHandler: http.handler as never }),
  );
  return { doc, sent: http.sent };
}

describe('metered S3 client', () => {
  it('counts each S3 command by request class inside withUsageMeter, with the bytes put', async () => {
    // Prepare
    const { s3, sent } = meteredS3();
    const meter = new UsageMeter();

    // Act
    await withUsageMeter(meter, async () => {
      await s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'hello' }));
      await s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'k2', Body: new Uint8Array([1, 2, 3]) }));
      await s3.send(new CopyObjectCommand({ Bucket: 'b', Key: 'k3', CopySource: 'b/k' }));
      await s3.send(new GetObjectCommand({ Bucket: 'b', Key: 'k' }));
      await s3.send(new ListObjectsV2Command({ Bucket: 'b' }));
      await s3.send(new HeadObjectCommand({ Bucket: 'b', Key: 'k' }));
    });

    // Assess
    expect(sent).toHaveLength(6);
    const usage = meter.snapshot(0, 0);
    expect(usage.s3Requests).toEqual({ put: 3, get: 1, list: 1, other: 1 });
    expect(usage.s3BytesWritten).toBe(8); // 'hello' + 3 bytes; a copy adds none
  });

  it('counts nothing outside withUsageMeter', async () => {
    const { s3, sent } = meteredS3();
    const meter = new UsageMeter();

    await s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'hello' }));
    await withUsageMeter(meter, async () => undefined);

    expect(sent).toHaveLength(1);
    expect(meter.snapshot(0, 0).s3Requests).toEqual({ put: 0, get: 0, list: 0, other: 0 });
    expect(meter.snapshot(0, 0).s3BytesWritten).toBe(0);
  });

  it('keeps two concurrent invocations apart', async () => {
    const { s3 } = meteredS3();
    const a = new UsageMeter();
    const b = new UsageMeter();

    await Promise.all([
      withUsageMeter(a, () => s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'a', Body: 'aa' }))),
      withUsageMeter(b, () => s3.send(new GetObjectCommand({ Bucket: 'b', Key: 'b' }))),
    ]);

    expect(a.snapshot(0, 0).s3Requests).toEqual({ put: 1, get: 0, list: 0, other: 0 });
    expect(b.snapshot(0, 0).s3Requests).toEqual({ put: 0, get: 1, list: 0, other: 0 });
  });
});

describe('metered DynamoDB document client', () => {
  it('asks for TOTAL consumed capacity on data-plane commands and adds read units', async () => {
    const { doc, sent } = meteredDynamoDb({ TableName: 't', CapacityUnits: 0.5 });
    const meter = new UsageMeter();

    await withUsageMeter(meter, async () => {
      await doc.send(new GetCommand({ TableName: 't', Key: { pk: 'a' } }));
      await doc.send(
        new QueryCommand({
          TableName: 't',
          KeyConditionExpression: 'pk = :p',
          ExpressionAttributeValues: { ':p': 'a' },
        }),
      );
    });

    expect(sent.map((r) => JSON.parse(r.body).ReturnConsumedCapacity)).toEqual(['TOTAL', 'TOTAL']);
    const usage = meter.snapshot(0, 0);
    expect(usage.dynamodbReadUnits).toBe(1);
    expect(usage.dynamodbWriteUnits).toBe(0);
  });

  it('adds write units, summing a transaction’s per-table capacities', async () => {
    const { doc } = meteredDynamoDb([
      { TableName: 't', CapacityUnits: 2 },
      { TableName: 'u', CapacityUnits: 3 },
    ]);
    const meter = new UsageMeter();

    await withUsageMeter(meter, () =>
      doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: 't', Item: { pk: 'a' } } },
            { Put: { TableName: 'u', Item: { pk: 'b' } } },
          ],
        }),
      ),
    );

    expect(meter.snapshot(0, 0).dynamodbWriteUnits).toBe(5);
    expect(meter.snapshot(0, 0).dynamodbReadUnits).toBe(0);
  });

  it('counts a put as writes and keeps a caller’s own ReturnConsumedCapacity', async () => {
    const { doc, sent } = meteredDynamoDb({ TableName: 't', CapacityUnits: 1 });
    const meter = new UsageMeter();

    await withUsageMeter(meter, async () => {
      await doc.send(new PutCommand({ TableName: 't', Item: { pk: 'a', n: 1 } }));
      await doc.send(
        new PutCommand({ TableName: 't', Item: { pk: 'b' }, ReturnConsumedCapacity: 'INDEXES' }),
      );
    });

    expect(sent.map((r) => JSON.parse(r.body).ReturnConsumedCapacity)).toEqual(['TOTAL', 'INDEXES']);
    expect(JSON.parse(sent[0]?.body ?? '{}').Item).toEqual({ pk: { S: 'a' }, n: { N: '1' } });
    expect(meter.snapshot(0, 0).dynamodbWriteUnits).toBe(2);
  });

  it('leaves control-plane commands alone', async () => {
    const { doc, sent } = meteredDynamoDb(undefined);
    const meter = new UsageMeter();

    await withUsageMeter(meter, () => doc.send(new DescribeTableCommand({ TableName: 't' })));

    expect(JSON.parse(sent[0]?.body ?? '{}')).toEqual({ TableName: 't' });
    expect(meter.snapshot(0, 0).dynamodbReadUnits).toBe(0);
  });

  it('neither asks for capacity nor counts outside withUsageMeter', async () => {
    const { doc, sent } = meteredDynamoDb({ TableName: 't', CapacityUnits: 1 });

    await doc.send(new GetCommand({ TableName: 't', Key: { pk: 'a' } }));

    expect(JSON.parse(sent[0]?.body ?? '{}')).not.toHaveProperty('ReturnConsumedCapacity');
  });

  it('counts 0 when the answer carries no consumed capacity', async () => {
    const { doc } = meteredDynamoDb(undefined);
    const meter = new UsageMeter();
    await withUsageMeter(meter, () => doc.send(new GetCommand({ TableName: 't', Key: { pk: 'a' } })));
    expect(meter.snapshot(0, 0).dynamodbReadUnits).toBe(0);
  });
});
