import { NotFoundError } from '../../domain/errors';
import type { Recommendation } from '../../domain/recommendations/recommendation';
import type { RecommendationRepository } from '../../ports/recommendation-repository';
import type { RunRepository } from '../../ports/run-repository';

/**
 * A customer's recommendations from the latest published run. An empty list means the plan
 * decided not to contact them (or held them out), which is an answer, not an error.
 */
export async function getCustomerRecommendations(
  deps: { runs: RunRepository; recommendations: RecommendationRepository },
  customerId: string,
): Promise<{ customerId: string; runId: string; recommendations: Recommendation[] }> {
  const runId = await deps.runs.latestPublishedRunId();
  if (!runId) throw new NotFoundError('no run has been published yet');
  return { customerId, runId, recommendations: await deps.recommendations.forCustomer(customerId, runId) };
}
