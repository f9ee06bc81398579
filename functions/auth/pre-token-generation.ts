import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';

/**
 * Cognito pre-token-generation (V2) trigger: puts a partner user's partner id into the access
 * token, where the API reads it to confine uploads to that partner's prefix.
 */
export const handler = async (
  event: PreTokenGenerationV2TriggerEvent,
): Promise<PreTokenGenerationV2TriggerEvent> => {
  const partnerId = event.request.userAttributes['custom:partner_id'];
  const claims: Record<string, string> = partnerId ? { partner_id: partnerId } : {};
  event.response = {
    claimsAndScopeOverrideDetails: {
      accessTokenGeneration: { claimsToAddOrOverride: claims },
      idTokenGeneration: { claimsToAddOrOverride: claims },
    },
  };
  return event;
};
