import { ROLES, type Role } from '../domain/auth/roles';

export interface ApiRoute {
  readonly method: 'GET' | 'POST';
  /** API Gateway path template, e.g. `/runs/{runId}`. */
  readonly path: string;
  readonly roles: readonly Role[];
  readonly summary: string;
}

/**
 * The HTTP API. CDK creates these routes, the local gateway serves them, and each handler
 * authorizes against its own entry, so the roles are written down exactly once.
 */
export const apiRoutes = {
  listRuns: { method: 'GET', path: '/runs', roles: ROLES, summary: 'List runs, newest first.' },
  getRun: {
    method: 'GET',
    path: '/runs/{runId}',
    roles: ROLES,
    summary: 'Status, row counts, stage timings, summary and failure reason of a run.',
  },
  getQualityReport: {
    method: 'GET',
    path: '/runs/{runId}/quality',
    roles: ['marketing', 'analyst', 'admin', 'partner'],
    summary: "The batch's data-quality report, as JSON or (?format=html) the page; partners see their own.",
  },
  getCostReport: {
    method: 'GET',
    path: '/runs/{runId}/cost-report',
    roles: ['finance', 'admin'],
    summary: "The run's AWS cost, campaign spend and expected return.",
  },
  getPlan: {
    method: 'GET',
    path: '/runs/{runId}/plan',
    roles: ['marketing', 'analyst', 'finance', 'admin'],
    summary:
      "The plan's certificate, budget curve, strategy comparison, fairness and off-policy estimate, as JSON or (?format=html) the page with charts.",
  },
  getCustomerRecommendations: {
    method: 'GET',
    path: '/customers/{customerId}/recommendations',
    roles: ['marketing', 'analyst', 'admin'],
    summary: "A customer's recommendations from the latest published run.",
  },
  startRun: {
    method: 'POST',
    path: '/runs',
    roles: ['marketing', 'admin'],
    summary: 'Start a run for a batch whose manifest is uploaded.',
  },
  createUploadUrl: {
    method: 'POST',
    path: '/uploads',
    roles: ['partner'],
    summary: "A presigned PUT URL inside the caller's own partner prefix.",
  },
} as const satisfies Record<string, ApiRoute>;

export type RouteName = keyof typeof apiRoutes;
