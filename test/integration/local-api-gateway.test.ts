import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startLocalApiGateway } from '#infra/local/api-gateway';
import { DEMO_USERS, LocalCognito } from '#infra/local/cognito';
import { startDynamoDbLocal } from '#infra/local/dynamodb';
import { LocalLambdaRuntime } from '#infra/local/lambda-runtime';
import type { FunctionName } from '#infra/topology/functions';
import { tables } from '#infra/topology/tables';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The runtime the gateway invokes, keeping each event it hands a function. */
class RecordingRuntime extends LocalLambdaRuntime {
  public readonly events: { name: FunctionName; event: APIGatewayProxyEventV2WithJWTAuthorizer }[] = [];

  public override invoke(name: FunctionName, payload: unknown): Promise<unknown> {
    this.events.push({ name, event: payload as APIGatewayProxyEventV2WithJWTAuthorizer });
    return super.invoke(name, payload);
  }
}

type SigningKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

let dynamodb: { endpoint: string; stop(): Promise<void> };
let gateway: { endpoint: string; close(): Promise<void> };
let cognito: LocalCognito;
let runtime: RecordingRuntime;
let analystToken: string;
const savedEnv = { ...process.env };

/** Signs a token with the given claims; `key` defaults to the local user pool's own key. */
async function sign(claims: Record<string, unknown>, options: { key?: SigningKey; expiresIn?: string } = {}) {
  // The pool's key is private to LocalCognito; tests read it to mint tokens Cognito would never issue.
  const poolKey = (cognito as unknown as { privateKey: SigningKey }).privateKey;
  const kid = String(cognito.jwks.keys[0]?.kid);
  return new SignJWT({ username: 'arjun.analyst', 'cognito:groups': ['analyst'], ...claims })
    .setProtectedHeader({ alg: 'RS256', kid })
    .setIssuer(cognito.issuer)
    .setSubject(randomUUID())
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '1h')
    .sign(options.key ?? poolKey);
}

async function call(path: string, init: { token?: string; method?: string; body?: unknown } = {}) {
  const response = await fetch(`${gateway.endpoint}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    json: text ? (JSON.parse(text) as unknown) : undefined,
  };
}

beforeAll(async () => {
  dynamodb = await startDynamoDbLocal([
    { tableName: 'api-runs', spec: tables.runs },
    { tableName: 'api-recommendations', spec: tables.recommendations },
  ]);
  // The handlers read their settings from the environment at cold start, as on AWS.
  Object.assign(process.env, {
    RUNS_TABLE_NAME: 'api-runs',
    RECOMMENDATIONS_TABLE_NAME: 'api-recommendations',
    LAKE_BUCKET_NAME: 'api-lake',
    LANDING_BUCKET_NAME: 'api-landing',
    STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:none',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  cognito = await LocalCognito.create();
  runtime = new RecordingRuntime(ROOT);
  const verifier = cognito.verifier();
  gateway = await startLocalApiGateway({
    runtime,
    verifier: {
      verify: async (token) => (await verifier.verify(token)) as unknown as Record<string, unknown>,
    },
  });
  analystToken = await cognito.accessToken(DEMO_USERS.analyst);
});

afterAll(async () => {
  await gateway?.close();
  await dynamodb?.stop();
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
  Object.assign(process.env, savedEnv);
});

describe('local API gateway: the JWT authorizer', () => {
  beforeEach(() => {
    runtime.events.length = 0;
  });

  it('answers 401 without an Authorization header, before any function runs', async () => {
    const response = await call('/runs');
    expect(response.status).toBe(401);
    expect(response.json).toEqual({ message: 'Unauthorized' });
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(runtime.events).toEqual([]);
  });

  it('answers 401 for a token that is not a JWT', async () => {
    expect((await call('/runs', { token: 'not-a-jwt' })).status).toBe(401);
  });

  it('answers 401 for a token signed by another key (same kid and claims)', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await sign({ token_use: 'access', client_id: cognito.clientId }, { key: privateKey });
    expect((await call('/runs', { token: forged })).status).toBe(401);
  });

  it('answers 401 for an expired token', async () => {
    const expired = await cognito.accessToken(DEMO_USERS.analyst, -60);
    expect((await call('/runs', { token: expired })).status).toBe(401);
  });

  it('answers 401 for a token of another app client', async () => {
    const other = await sign({ token_use: 'access', client_id: 'someoneelsesclient' });
    expect((await call('/runs', { token: other })).status).toBe(401);
  });

  it('answers 401 for an ID token', async () => {
    const idToken = await sign({ token_use: 'id', aud: cognito.clientId });
    expect((await call('/runs', { token: idToken })).status).toBe(401);
    expect(runtime.events).toEqual([]);
  });

  it('accepts a token the helper signs as Cognito would (the negative cases above are real)', async () => {
    const minted = await sign({ token_use: 'access', client_id: cognito.clientId });
    expect((await call('/runs', { token: minted })).status).toBe(200);
  });
});

describe('local API gateway: routes and handlers', () => {
  beforeEach(() => {
    runtime.events.length = 0;
  });

  it('answers GET /runs for an analyst with the (empty) run list', async () => {
    const response = await call('/runs', { token: analystToken });

    expect(response.status).toBe(200);
    expect(response.json).toEqual({ runs: [] });
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('hands the function flattened string claims, groups as "[analyst]"', async () => {
    await call('/runs?limit=5', { token: analystToken });

    expect(runtime.events.map((e) => e.name)).toEqual(['ListRuns']);
    const event = runtime.events[0]?.event;
    const claims = event?.requestContext.authorizer.jwt.claims ?? {};
    expect(claims['cognito:groups']).toBe('[analyst]');
    expect(claims.username).toBe('arjun.analyst');
    expect(claims.client_id).toBe(cognito.clientId);
    expect(Object.values(claims).every((v) => typeof v === 'string')).toBe(true);
    expect(typeof claims.exp).toBe('string');
    expect(event?.routeKey).toBe('GET /runs');
    expect(event?.queryStringParameters).toEqual({ limit: '5' });
  });

  it('answers 403 listing the roles when a partner asks for recommendations', async () => {
    const partner = await cognito.accessToken(DEMO_USERS.partner);

    const response = await call('/customers/x/recommendations', { token: partner });

    expect(response.status).toBe(403);
    expect(response.json).toEqual({
      message: 'this route needs one of the roles: marketing, analyst, admin',
    });
  });

  it("passes the partner id claim through: an upload URL lands in the caller's partner prefix", async () => {
    const partner = await cognito.accessToken(DEMO_USERS.partner);

    const response = await call('/uploads', {
      token: partner,
      method: 'POST',
      body: { batchId: 'b1', fileName: 'customers.csv', contentType: 'text/csv' },
    });

    expect(response.status).toBe(201);
    expect(response.json).toMatchObject({
      method: 'PUT',
      key: 'incoming/demo-retail/b1/customers.csv',
      headers: { 'content-type': 'text/csv' },
    });
    expect(runtime.events[0]?.event.requestContext.authorizer.jwt.claims.partner_id).toBe('demo-retail');
  });

  it('answers 404 for an unknown run, with its message', async () => {
    const response = await call('/runs/r-unknown', { token: analystToken });
    expect(response.status).toBe(404);
    expect(response.json).toEqual({ message: 'run r-unknown does not exist' });
    expect(runtime.events[0]?.event.pathParameters).toEqual({ runId: 'r-unknown' });
  });

  it('answers 400 naming the field for an invalid query', async () => {
    const response = await call('/runs?limit=0', { token: analystToken });
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ field: 'query.limit' });
  });

  it('answers 404 Not Found for an unknown route or method, without checking the token', async () => {
    expect(await call('/nothing-here', { token: analystToken })).toMatchObject({
      status: 404,
      json: { message: 'Not Found' },
    });
    expect((await call('/runs', { method: 'DELETE', token: analystToken })).status).toBe(404);
    expect((await call('/nothing-here')).status).toBe(404);
    expect(runtime.events).toEqual([]);
  });

  it('answers an undecodable cursor as the caller’s error (400), not a 500', async () => {
    // The cursor is opaque to callers; a mangled one should not look like a server fault.
    const response = await call('/runs?cursor=not-a-cursor', { token: analystToken });
    expect(response.status).toBe(400);
  });
});
