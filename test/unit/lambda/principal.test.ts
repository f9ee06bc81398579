import { describe, expect, it } from 'vitest';
import { HttpError, json, toHttpResponse, UnauthorizedError } from '#shared/lambda/http-errors';
import { parseGroups, principalFromClaims } from '#shared/lambda/principal';

describe('parseGroups', () => {
  it.each([
    [undefined, []],
    ['[marketing analyst]', ['marketing', 'analyst']],
    ['[admin]', ['admin']],
    ['[]', []],
    ['', []],
    ['admin', ['admin']],
    ['marketing,analyst', ['marketing', 'analyst']],
    ['[marketing,  analyst ]', ['marketing', 'analyst']],
    [
      ['finance', 'partner'],
      ['finance', 'partner'],
    ],
    [[], []],
  ] as const)('parses %j as %j', (value, expected) => {
    expect(parseGroups(value)).toEqual(expected);
  });

  it('returns a copy of an array, not the claim itself', () => {
    const groups = ['admin'];
    const parsed = parseGroups(groups);
    parsed.push('x');
    expect(groups).toEqual(['admin']);
  });
});

describe('principalFromClaims', () => {
  it('takes subject, username, known roles and the partner id', () => {
    expect(
      principalFromClaims({
        sub: 'abc',
        username: 'demo-retail.uploader',
        'cognito:groups': '[partner hackers]',
        partner_id: 'demo-retail',
        token_use: 'access',
      }),
    ).toEqual({
      subject: 'abc',
      username: 'demo-retail.uploader',
      roles: ['partner'],
      partnerId: 'demo-retail',
    });
  });

  it('falls back to cognito:username, then to sub, for the username', () => {
    expect(principalFromClaims({ sub: 's', 'cognito:username': 'cu' }).username).toBe('cu');
    expect(principalFromClaims({ sub: 's' }).username).toBe('s');
  });

  it('leaves partnerId out when the claim is absent or empty', () => {
    expect(principalFromClaims({ sub: 's', partner_id: '' })).not.toHaveProperty('partnerId');
    expect(principalFromClaims({ sub: 's' })).not.toHaveProperty('partnerId');
  });

  it.each([undefined, null, 'sub', {}, { sub: '' }, { sub: 5 }, { sub: 's', 'cognito:groups': 7 }])(
    'throws UnauthorizedError (401) for %j',
    (claims) => {
      expect(() => principalFromClaims(claims)).toThrow(UnauthorizedError);
    },
  );
});

describe('http errors', () => {
  it('json() sets content-type and no-store and serialises the body', () => {
    expect(json(202, { runId: 'r1' })).toEqual({
      statusCode: 202,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
      body: '{"runId":"r1"}',
    });
  });

  it('keeps an HttpError status, message and details', () => {
    const response = toHttpResponse(new HttpError(429, 'slow down', { retryAfter: 5 }));
    expect(response.statusCode).toBe(429);
    expect(JSON.parse(response.body ?? '')).toEqual({ message: 'slow down', retryAfter: 5 });
  });

  it('answers UnauthorizedError as 401 Unauthorized', () => {
    const response = toHttpResponse(new UnauthorizedError());
    expect(response.statusCode).toBe(401);
    expect(response.body).toBe('{"message":"Unauthorized"}');
  });
});
