import { describe, expect, it } from 'vitest';
import { flattenClaims } from '#infra/local/api-gateway';

describe('flattenClaims', () => {
  it('turns arrays into "[a b]" and every other value into a string, as HTTP APIs do', () => {
    expect(
      flattenClaims({
        sub: 'abc',
        'cognito:groups': ['marketing', 'analyst'],
        exp: 1_790_000_000,
        auth_time: 0,
        email_verified: true,
      }),
    ).toEqual({
      sub: 'abc',
      'cognito:groups': '[marketing analyst]',
      exp: '1790000000',
      auth_time: '0',
      email_verified: 'true',
    });
  });

  it('flattens a one-element and an empty array', () => {
    expect(flattenClaims({ g: ['admin'], h: [] })).toEqual({ g: '[admin]', h: '[]' });
  });
});
