import type { Recommendation } from '../domain/recommendations/recommendation';

export interface RecommendationRepository {
  /** Writes a run's recommendations; they stay invisible until the run is published. */
  putAll(
    recommendations: AsyncIterable<Recommendation> | Iterable<Recommendation>,
  ): Promise<{ written: number }>;
  forCustomer(customerId: string, runId: string): Promise<Recommendation[]>;
}
