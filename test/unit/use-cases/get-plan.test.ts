import { beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '#shared/domain/auth/roles';
import { ConflictError, NotFoundError } from '#shared/domain/errors';
import type { PlanAnalysis } from '#shared/domain/planning/plan-analysis';
import { getPlan } from '#shared/use-cases/api/get-plan';
import {
  InMemoryRunRepository,
  MemoryObjectStore,
  sampleRunRecord,
  sampleRunSummary,
} from '../../support/fakes';

const FINANCE: Principal = { subject: 's-finance', username: 'fatima', roles: ['finance'] };
const PARTNER_ELSEWHERE: Principal = {
  subject: 's-partner',
  username: 'p',
  roles: ['partner'],
  partnerId: 'someone-else',
};
const analysisRef = { bucket: 'lake', key: 'runs/r1/plan-analysis.json' };
const reportRef = { bucket: 'lake', key: 'runs/r1/plan-report.html' };

const point = { budget: 0, spend: 0, profit: 0, customers: 0, marginalProfitPerEuro: 0, gap: 0 };
const ANALYSIS: PlanAnalysis = {
  runId: 'r1',
  currency: 'EUR',
  budget: 1000,
  certificate: { primal: 150, dualBound: 150.01, gap: 0.0001, lambda: 0.2 },
  budgetCurve: { points: [point], saturationBudget: 1200, maxProfit: 160, knee: point },
  marginalProfitPerEuro: 0.2,
  expectedValueBasis: 'churn_and_value_models',
  comparison: [],
  fairness: [],
  parity: null,
  offPolicy: { status: 'not-estimated', reason: 'no history' },
  discountResponse: [],
};

describe('getPlan', () => {
  let runs: InMemoryRunRepository;
  let store: MemoryObjectStore;

  beforeEach(async () => {
    runs = new InMemoryRunRepository();
    store = new MemoryObjectStore();
    const summary = sampleRunSummary();
    await runs.create(
      sampleRunRecord({
        runId: 'r1',
        status: 'SUCCEEDED',
        summary: { ...summary, plan: { ...summary.plan, analysis: analysisRef, report: reportRef } },
      }),
    );
    store.put(analysisRef, JSON.stringify(ANALYSIS));
    store.put(reportRef, '<html>plan</html>');
  });

  it('reads the analysis named by the run summary, as JSON or as the page', async () => {
    expect(await getPlan({ runs, store }, 'r1', FINANCE, 'json')).toEqual({ json: ANALYSIS });
    expect(await getPlan({ runs, store }, 'r1', FINANCE, 'html')).toEqual({ html: '<html>plan</html>' });
  });

  it('refuses an analysis that does not match the schema instead of passing it on', async () => {
    store.put(analysisRef, JSON.stringify({ ...ANALYSIS, certificate: null }));
    await expect(getPlan({ runs, store }, 'r1', FINANCE, 'json')).rejects.toThrow();
  });

  it('says a running run has no plan yet, and hides runs of other partners', async () => {
    await runs.create(sampleRunRecord({ runId: 'r2', status: 'RUNNING' }));
    await expect(getPlan({ runs, store }, 'r2', FINANCE, 'json')).rejects.toBeInstanceOf(ConflictError);
    await expect(getPlan({ runs, store }, 'r1', PARTNER_ELSEWHERE, 'json')).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});
