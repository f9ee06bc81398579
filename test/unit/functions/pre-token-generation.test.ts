import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { handler } from '#functions/auth/pre-token-generation';

function triggerEvent(userAttributes: Record<string, string>): PreTokenGenerationV2TriggerEvent {
  return {
    version: '2',
    triggerSource: 'TokenGeneration_Authentication',
    region: 'us-east-1',
    userPoolId: 'us-east-1_Pool',
    userName: 'demo-retail.uploader',
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: 'client' },
    request: {
      userAttributes,
      groupConfiguration: { groupsToOverride: ['partner'], iamRolesToOverride: [], preferredRole: undefined },
      scopes: ['aws.cognito.signin.user.admin'],
    },
    response: { claimsAndScopeOverrideDetails: {} },
  } as unknown as PreTokenGenerationV2TriggerEvent;
}

describe('pre-token-generation', () => {
  it('adds partner_id to the access and id token claims of a partner user', async () => {
    const result = await handler(triggerEvent({ sub: 's', 'custom:partner_id': 'demo-retail' }));

    expect(result.response.claimsAndScopeOverrideDetails).toEqual({
      accessTokenGeneration: { claimsToAddOrOverride: { partner_id: 'demo-retail' } },
      idTokenGeneration: { claimsToAddOrOverride: { partner_id: 'demo-retail' } },
    });
    expect(result.request.userAttributes['custom:partner_id']).toBe('demo-retail');
  });

  it.each<Record<string, string>>([{ sub: 's' }, { sub: 's', 'custom:partner_id': '' }])(
    'adds no claim for %j',
    async (attributes) => {
      const result = await handler(triggerEvent(attributes));

      expect(result.response.claimsAndScopeOverrideDetails).toEqual({
        accessTokenGeneration: { claimsToAddOrOverride: {} },
        idTokenGeneration: { claimsToAddOrOverride: {} },
      });
    },
  );
});
