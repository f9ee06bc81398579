import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCall, uploadBatchAsPartner } from '#infra/local/partner-upload';
import { watchNextExecution } from '#infra/local/run-watcher';
import { readTruthFile } from '#infra/local/scorecard-report';
import { type LocalStack, startLocalStack } from '#infra/local/stack';
import { weeklyCampaignSchedule } from '#infra/topology/triggers';
import { S3ObjectStore } from '#shared/adapters/aws/s3-object-store';
import { type DemoBatch, demoBatchDefaults, generateDemoBatch } from '#shared/demo/generate-demo-batch';
import type { Role } from '#shared/domain/auth/roles';
import type { Manifest } from '#shared/domain/contracts/manifest';
import type { PlanAnalysis } from '#shared/domain/planning/plan-analysis';
import type { Recommendation } from '#shared/domain/recommendations/recommendation';
import { championPointerKey } from '#shared/domain/registry/model-card';
import type { CostReport } from '#shared/domain/reporting/cost-report';
import type { RunRecord } from '#shared/domain/runs/run-record';
import { STAGES } from '#shared/domain/runs/run-state';
import { scoreRunAgainstTruth } from '#shared/use-cases/score-run-against-truth';

const root = resolve(import.meta.dirname, '../..');
const CUSTOMERS = 4000;

let stack: LocalStack;
let work: string;
let batch: DemoBatch;
let run: RunRecord;

const as = (role: Role) => ({ endpoint: stack.endpoints.api, token: stack.tokens[role] });
const getRun = async (runId: string) =>
  (await apiCall<RunRecord>(as('analyst'), 'GET', `/runs/${runId}`)).body;

async function deliver(manifest: Manifest, manifestPath: string, files: string[]): Promise<RunRecord> {
  const finished = watchNextExecution(stack.executions);
  await uploadBatchAsPartner(as('partner'), manifest, { manifestPath, files });
  const execution = await finished;
  return getRun(execution.name);
}

async function lakeText(key: string): Promise<string> {
  const out = await stack.s3.send(new GetObjectCommand({ Bucket: stack.resources.lakeBucket, Key: key }));
  return (await out.Body?.transformToString()) ?? '';
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'campaign-e2e-'));
  stack = await startLocalStack({ root, workDir: join(work, 'stack') });
  batch = await generateDemoBatch(
    demoBatchDefaults({ outDir: join(work, 'batch-1'), customers: CUSTOMERS, seed: 7, batchId: 'batch-1' }),
  );
  run = await deliver(
    batch.manifest,
    batch.manifestPath,
    batch.files.map((f) => f.path),
  );
});

afterAll(async () => {
  await stack?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('a campaign run, from files dropped into S3 to an authorized API answer', () => {
  it('succeeds and records every stage with its timing and counts', () => {
    expect(run.failure).toBeUndefined();
    expect(run.status).toBe('SUCCEEDED');
    expect(run.trigger.source).toBe('s3');
    expect(Object.keys(run.stages).sort()).toEqual([...STAGES].sort());
    for (const stage of STAGES) {
      expect(run.stages[stage]?.status).toBe('SUCCEEDED');
      expect(run.stages[stage]?.durationMs).toBeGreaterThan(0);
      expect(run.stages[stage]?.usage.lambdaInvocations).toBe(1);
    }
    // Each stage saw every customer: a skipped or canned stage would not match the batch.
    expect(run.stages.features?.counts.customers).toBe(CUSTOMERS);
    expect(run.stages.segment?.counts.customers).toBe(CUSTOMERS);
    expect(run.stages.score?.counts.customersScored).toBe(CUSTOMERS);
    expect(run.stages.allocate?.counts.customers).toBe(CUSTOMERS);
    expect(run.stages.publish?.counts.recommendations).toBe(run.summary?.plan.targetedCustomers);
  });

  it('accounts for every row and quarantines exactly the planted bad rows with their reasons', async () => {
    for (const file of run.files) {
      const listed = batch.manifest.files.find((f) => f.dataset === file.dataset);
      expect(file.rowsIn).toBe(listed?.rows);
      expect(file.rowsIn).toBe(file.accepted + file.rejected);
    }
    const planted = batch.plantedBadRows;
    expect(planted.length).toBeGreaterThan(0);
    expect(run.files.reduce((n, f) => n + f.rejected, 0)).toBe(planted.length);
    for (const dataset of new Set(planted.map((p) => p.dataset))) {
      const account = run.files.find((f) => f.dataset === dataset);
      if (!account?.quarantine) throw new Error(`no quarantine file for ${dataset}`);
      const rows = (await lakeText(account.quarantine.key))
        .split('\n')
        .filter((l) => l.length > 0)
        .map((l) => JSON.parse(l) as { line: number; issues: { column: string; rule: string }[] });
      const expected = planted
        .filter((p) => p.dataset === dataset)
        .map((p) => `${p.line}:${p.column}:${p.rule}`);
      const found = rows.flatMap((r) => r.issues.map((i) => `${r.line}:${i.column}:${i.rule}`));
      expect(found.sort()).toEqual(expected.sort());
    }
  });

  it('segments every customer', () => {
    const segments = run.summary?.segments ?? [];
    expect(segments.length).toBeGreaterThanOrEqual(3);
    expect(segments.reduce((n, s) => n + s.customers, 0)).toBe(CUSTOMERS);
    expect(new Set(segments.map((s) => s.name)).size).toBe(segments.length);
  });

  it('stays within the budget and proves how close the plan is to optimal', () => {
    const plan = run.summary?.plan;
    if (!plan) throw new Error('no plan summary');
    expect(plan.targetedCustomers).toBeGreaterThan(0);
    expect(plan.spend).toBeLessThanOrEqual(plan.budget + 1e-6);
    expect(plan.expectedIncrementalProfit).toBeGreaterThan(0);
    expect(plan.certificate.dualBound).toBeGreaterThanOrEqual(plan.certificate.primal - 1e-6);
    expect(plan.certificate.gap).toBeLessThan(0.01);
    expect(plan.holdoutCustomers).toBeGreaterThan(0);
  });

  it('earns, under the planted truth, more than every baseline, and says how far it is from the oracle', async () => {
    // Act: the scorecard of the run, read from the lake as `npm start` does.
    const card = await scoreRunAgainstTruth(
      { store: new S3ObjectStore(stack.s3), lakeBucket: stack.resources.lakeBucket },
      {
        runId: run.runId,
        budget: run.campaign.budget,
        sendDate: run.campaign.sendDate,
        seed: 1,
        truth: readTruthFile(batch.truthPath),
      },
    );

    // Assess: every targeted row is judged, and the plan beats each targeting rule but not the oracle.
    const engine = card.engine;
    if (!engine) throw new Error('no engine row');
    const profit = (name: string) => card.rows.find((r) => r.name === name)?.figures.incrementalProfit ?? NaN;
    expect(engine.unmatched).toBe(0);
    expect(engine.figures.contacted).toBe(run.summary?.plan?.targetedCustomers);
    expect(engine.figures.incrementalProfit).toBeGreaterThan(0);
    for (const baseline of ['broadcast', 'random', 'rfm', 'propensity', 'expected_value']) {
      expect(engine.figures.incrementalProfit, baseline).toBeGreaterThan(profit(baseline));
    }
    expect(engine.figures.incrementalProfit).toBeLessThanOrEqual(profit('oracle') + 1e-6);
    expect(profit('allocator_on_truth')).toBeGreaterThanOrEqual(0.999 * profit('oracle'));
    // The holdout stays out of every strategy, as it stayed out of the plan.
    expect(card.customers).toBe(CUSTOMERS - (run.summary?.plan?.holdoutCustomers ?? 0));
    expect(card.model?.qini ?? 0).toBeGreaterThan(0);
  });

  it('serves a customer recommendations to marketing, analyst and admin only', async () => {
    const plan = parse(await lakeText(`runs/${run.runId}/plan.csv`), { columns: true }) as Record<
      string,
      string
    >[];
    const chosen = plan.find((r) => r.decision === 'target');
    if (!chosen) throw new Error('nobody targeted');
    for (const role of ['marketing', 'analyst', 'admin'] as const) {
      const answer = await apiCall<{ runId: string; recommendations: Recommendation[] }>(
        as(role),
        'GET',
        `/customers/${chosen.customer_id}/recommendations`,
      );
      expect(answer.status).toBe(200);
      expect(answer.body.runId).toBe(run.runId);
      expect(answer.body.recommendations).toHaveLength(1);
      expect(answer.body.recommendations[0]).toMatchObject({
        customerId: chosen.customer_id,
        offerId: chosen.offer_id,
        channelId: chosen.channel_id,
        segment: chosen.segment,
      });
      expect(answer.body.recommendations[0]?.reasons.length).toBeGreaterThan(0);
    }
    for (const role of ['finance', 'partner'] as const) {
      const refused = await apiCall(as(role), 'GET', `/customers/${chosen.customer_id}/recommendations`);
      expect(refused.status).toBe(403);
    }
    const anonymous = await fetch(`${stack.endpoints.api}/customers/${chosen.customer_id}/recommendations`);
    expect(anonymous.status).toBe(401);
    const forged = await apiCall(
      { endpoint: stack.endpoints.api, token: `${stack.tokens.admin}x` },
      'GET',
      '/runs',
    );
    expect(forged.status).toBe(401);
  });

  it("shows the batch's data-quality report to analysts and to its own partner, as JSON and as a page", async () => {
    const report = await apiCall<{ runId: string; datasets: { dataset: string; rows: number }[] }>(
      as('analyst'),
      'GET',
      `/runs/${run.runId}/quality`,
    );
    expect(report.status).toBe(200);
    expect(report.body.runId).toBe(run.runId);
    const transactions = run.files.find((f) => f.dataset === 'transactions');
    expect(report.body.datasets.find((d) => d.dataset === 'transactions')?.rows).toBe(transactions?.accepted);
    expect((await apiCall(as('partner'), 'GET', `/runs/${run.runId}/quality`)).status).toBe(200);
    expect((await apiCall(as('finance'), 'GET', `/runs/${run.runId}/quality`)).status).toBe(403);
    const page = await fetch(`${stack.endpoints.api}/runs/${run.runId}/quality?format=html`, {
      headers: { authorization: `Bearer ${stack.tokens.marketing}` },
    });
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('transactions');
  });

  it("gives finance the run's cost report and refuses marketing", async () => {
    const report = await apiCall<CostReport>(as('finance'), 'GET', `/runs/${run.runId}/cost-report`);
    expect(report.status).toBe(200);
    expect(report.body.aws.total).toBeGreaterThan(0);
    const athena = report.body.aws.lines.find((l) => l.service === 'Athena');
    expect(athena?.quantity).toBeGreaterThan(0);
    expect(report.body.campaign.spend).toBeCloseTo(run.summary?.plan.spend ?? Number.NaN, 6);
    expect(report.body.expectedReturn.incrementalProfit).toBeCloseTo(
      run.summary?.plan.expectedIncrementalProfit ?? 0,
      6,
    );
    expect((await apiCall(as('marketing'), 'GET', `/runs/${run.runId}/cost-report`)).status).toBe(403);
  });

  it('shows the plan analysis (certificate, budget curve, comparison, fairness, off-policy) to the roles that plan and pay', async () => {
    const answer = await apiCall<PlanAnalysis>(as('finance'), 'GET', `/runs/${run.runId}/plan`);
    expect(answer.status).toBe(200);
    const analysis = answer.body;
    const plan = run.summary?.plan;
    expect(analysis.certificate.primal).toBeCloseTo(plan?.certificate.primal ?? Number.NaN, 6);
    const curve = analysis.budgetCurve.points;
    expect(curve[0]?.profit).toBe(0);
    // Summed in another order than the plan's totals: equal up to rounding when the budget does not bind.
    expect(analysis.budgetCurve.maxProfit).toBeGreaterThanOrEqual(
      (plan?.expectedIncrementalProfit ?? 0) - 1e-6,
    );
    const byStrategy = new Map(analysis.comparison.map((c) => [c.strategy, c.expectedIncrementalProfit]));
    expect(byStrategy.get('plan')).toBeCloseTo(plan?.expectedIncrementalProfit ?? Number.NaN, 6);
    for (const baseline of ['broadcast', 'propensity', 'expected_value'] as const) {
      expect(byStrategy.get('plan')).toBeGreaterThanOrEqual(
        byStrategy.get(baseline) ?? Number.POSITIVE_INFINITY,
      );
    }
    expect(analysis.fairness.map((f) => f.attribute).sort()).toEqual(['age_band', 'gender', 'region']);
    expect(analysis.offPolicy.status).toBe('estimated');
    const page = await fetch(`${stack.endpoints.api}/runs/${run.runId}/plan?format=html`, {
      headers: { authorization: `Bearer ${stack.tokens.marketing}` },
    });
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('<svg');
    expect((await apiCall(as('partner'), 'GET', `/runs/${run.runId}/plan`)).status).toBe(403);
  });

  it('writes a decision log with one row per customer and one export per channel the plan sends on', async () => {
    const log = parse(await lakeText(`runs/${run.runId}/decision-log.csv`), { columns: true }) as Record<
      string,
      string
    >[];
    expect(log).toHaveLength(CUSTOMERS);
    const targeted = log.filter((r) => r.decision === 'target');
    expect(targeted).toHaveLength(run.summary?.plan.targetedCustomers ?? -1);
    expect(targeted.every((r) => r.action !== '' && r.inputs_hash?.length === 16)).toBe(true);
    const exports = run.summary?.plan.exports ?? [];
    expect(exports.reduce((n, e) => n + e.recipients, 0)).toBe(targeted.length);
    for (const e of exports) {
      expect(e.file.key).toBe(`exports/${run.runId}/${e.channelId}.csv`);
      const rows = parse(await lakeText(e.file.key), { columns: true }) as Record<string, string>[];
      expect(rows).toHaveLength(e.recipients);
      expect(new Set(rows.map((r) => r.customer_id))).toEqual(
        new Set(targeted.filter((r) => r.action?.split('|')[1] === e.channelId).map((r) => r.customer_id)),
      );
    }
  });

  it('lists runs for every role and gives the same manifest one run', async () => {
    const again = await apiCall<{ runId: string }>(as('marketing'), 'POST', '/runs', {
      partner: batch.manifest.partner,
      batchId: batch.manifest.batchId,
    });
    expect(again.status).toBe(202);
    await stack.executions.get(
      stack.executions.list().find((e) => e.name === again.body.runId)?.executionArn ?? '',
    )?.done;
    const duplicate = await getRun(again.body.runId);
    expect(duplicate.status).toBe('DUPLICATE');
    expect(duplicate.duplicateOf).toBe(run.runId);
    const listed = await apiCall<{ runs: { runId: string }[] }>(as('partner'), 'GET', '/runs');
    expect(listed.body.runs.map((r) => r.runId)).toEqual(
      expect.arrayContaining([run.runId, again.body.runId]),
    );
  });

  it("plans again on the partner's latest batch when the weekly schedule fires", async () => {
    // The input EventBridge Scheduler sends (infra/stateless-stack.ts), delivered the same way.
    const sfn = new SFNClient({
      region: 'us-east-1',
      endpoint: stack.endpoints.sfn,
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    const finished = watchNextExecution(stack.executions);
    await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: stack.resources.stateMachineArn,
        input: JSON.stringify({
          source: 'campaign-optimizer.schedule',
          scheduleName: weeklyCampaignSchedule.name,
          scheduledAt: '2026-11-09T06:00:00Z',
          partner: batch.manifest.partner,
        }),
      }),
    );
    const scheduled = await getRun((await finished).name);
    expect(scheduled.status).toBe('SUCCEEDED');
    expect(scheduled.trigger).toEqual({
      source: 'schedule',
      scheduleName: weeklyCampaignSchedule.name,
      scheduledAt: '2026-11-09T06:00:00Z',
    });
    expect(scheduled.batch.manifestKey).toBe(run.batch.manifestKey);
    expect(scheduled.summary?.plan.targetedCustomers).toBeGreaterThan(0);
  });

  it('rejects a POST /runs body naming the field at fault', async () => {
    const bad = await apiCall<{ field: string }>(as('admin'), 'POST', '/runs', {
      partner: 'demo-retail',
      batchId: 'a/b',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('body.batchId');
  });

  it('confines a partner upload URL to its own prefix', async () => {
    const grant = await apiCall<{ key: string; url: string }>(as('partner'), 'POST', '/uploads', {
      batchId: 'b9',
      fileName: 'customers.csv',
      contentType: 'text/csv',
    });
    expect(grant.status).toBe(201);
    expect(grant.body.key).toBe('incoming/demo-retail/b9/customers.csv');
    expect(new URL(grant.body.url).pathname).toBe(
      `/${stack.resources.landingBucket}/incoming/demo-retail/b9/customers.csv`,
    );
    const outsidePrefix = await apiCall(as('partner'), 'POST', '/uploads', {
      batchId: 'b9',
      fileName: '../../x.csv',
    });
    expect(outsidePrefix.status).toBe(400);
  });
});

describe('a batch that cannot be trusted', () => {
  it('fails with the file, line, column and rule, keeps the file in quarantine, publishes nothing, and runs cleanly once corrected', async () => {
    // Prepare: a second delivery whose transactions file lost its quantity column.
    const second = await generateDemoBatch(
      demoBatchDefaults({
        outDir: join(work, 'batch-2'),
        customers: 600,
        seed: 11,
        batchId: 'batch-2',
        gzip: false,
      }),
    );
    const transactions = second.files.find((f) => f.dataset === 'transactions');
    if (!transactions) throw new Error('no transactions file');
    const good = readFileSync(transactions.path);
    const lines = good.toString('utf8').split('\n');
    const drop = (lines[0] ?? '').split(',').indexOf('quantity');
    const broken = lines
      .map((l) =>
        l === ''
          ? l
          : l
              .split(',')
              .filter((_, i) => i !== drop)
              .join(','),
      )
      .join('\n');
    const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
    const withFile = (bytes: Buffer | string): Manifest => ({
      ...second.manifest,
      files: second.manifest.files.map((f) =>
        f.dataset === 'transactions' ? { ...f, sha256: sha(bytes) } : f,
      ),
    });
    const manifestPath = join(work, 'batch-2', 'manifest.json');
    const others = second.files.filter((f) => f.dataset !== 'transactions').map((f) => f.path);

    const before = await apiCall<{ runId: string }>(
      as('analyst'),
      'GET',
      '/customers/C000001/recommendations',
    );

    // Act: deliver the broken batch.
    writeFileSync(transactions.path, broken);
    writeFileSync(manifestPath, JSON.stringify(withFile(broken)));
    const failed = await deliver(withFile(broken), manifestPath, [...others, transactions.path]);

    // Assess: a reason a person can act on, the file in quarantine, the published run unchanged.
    expect(failed.status).toBe('FAILED');
    expect(failed.failure).toMatchObject({
      stage: 'validate',
      file: 'transactions.csv',
      line: 1,
      column: 'quantity',
      rule: 'missing_column',
    });
    const kept = await stack.s3.send(
      new HeadObjectCommand({
        Bucket: stack.resources.lakeBucket,
        Key: `quarantine/demo-retail/batch-2/${failed.runId}/files/transactions.csv`,
      }),
    );
    expect(kept.ContentLength).toBe(Buffer.byteLength(broken));
    const published = await apiCall<{ runId: string }>(
      as('analyst'),
      'GET',
      '/customers/C000001/recommendations',
    );
    expect(published.body.runId).toBe(before.body.runId);

    // Act: the partner corrects the file and sends the manifest again.
    writeFileSync(transactions.path, good);
    writeFileSync(manifestPath, JSON.stringify(withFile(good)));
    const fixed = await deliver(withFile(good), manifestPath, [transactions.path]);

    // Assess: the corrected batch runs cleanly and becomes the published run.
    expect(fixed.failure).toBeUndefined();
    expect(fixed.status).toBe('SUCCEEDED');
    const now = await apiCall<{ runId: string }>(as('analyst'), 'GET', '/customers/C000001/recommendations');
    expect(now.body.runId).toBe(fixed.runId);
  });
});

describe('a partner whose campaign history has no control group', () => {
  /** A treated-only batch of `partner`'s, delivered with a partner token of theirs. */
  async function deliverTreatedOnly(
    partner: string,
    batchId: string,
    world: { seed: number; customers: number },
  ): Promise<RunRecord> {
    const treatedOnly = await generateDemoBatch(
      demoBatchDefaults({
        ...world,
        outDir: join(work, batchId),
        batchId,
        partner,
        controlShare: 0,
      }),
    );
    expect(treatedOnly.files.find((f) => f.dataset === 'contacts')?.rows).toBeGreaterThan(0);
    const token = await stack.cognito.accessToken({
      username: `${partner}.uploader`,
      groups: ['partner'],
      partnerId: partner,
    });
    const finished = watchNextExecution(stack.executions);
    await uploadBatchAsPartner({ endpoint: stack.endpoints.api, token }, treatedOnly.manifest, {
      manifestPath: treatedOnly.manifestPath,
      files: treatedOnly.files.map((f) => f.path),
    });
    return getRun((await finished).name);
  }

  it('still plans, from propensity × the prior uplift share, and says so wherever the plan is read', async () => {
    // A partner new to the engine: no response champion to fall back on.
    const pointerKey = championPointerKey('response', 'fresh-grocer');
    const done = await deliverTreatedOnly('fresh-grocer', 'batch-3', { seed: 13, customers: 1500 });

    expect(done.failure).toBeUndefined();
    expect(done.status).toBe('SUCCEEDED');
    expect(done.summary?.model.responseBasis).toMatchObject({
      kind: 'propensity-prior',
      priorUpliftShare: 0.1,
    });
    expect(done.summary?.plan.targetedCustomers).toBeGreaterThan(0);
    expect(done.summary?.featureCategories).toEqual({
      source: 'batch',
      reason: 'the partner has no response champion',
    });
    const analysis = (await apiCall<PlanAnalysis>(as('finance'), 'GET', `/runs/${done.runId}/plan`)).body;
    expect(analysis.responseBasis?.kind).toBe('propensity-prior');
    expect(analysis.offPolicy).toMatchObject({
      status: 'not-estimated',
      reason: expect.stringMatching(/no randomized control group/),
    });
    expect(analysis.discountResponse.every((s) => s.baseline === 'lowest_level')).toBe(true);
    const page = await fetch(`${stack.endpoints.api}/runs/${done.runId}/plan?format=html`, {
      headers: { authorization: `Bearer ${stack.tokens.marketing}` },
    });
    expect(await page.text()).toContain('Uplift is assumed, not measured.');
    // The propensity model is kept for tracing, and never takes the response model's title.
    const card = JSON.parse(await lakeText(`models/propensity/${done.runId}/model-card.json`));
    expect(card).toMatchObject({ name: 'propensity', version: done.runId });
    await expect(lakeText(pointerKey)).rejects.toThrow();
  });

  it("plans from the partner's randomized response champion when it has one, which keeps its title", async () => {
    const pointerKey = championPointerKey('response', 'demo-retail');
    const pointerBefore = await lakeText(pointerKey);
    const champion = JSON.parse(pointerBefore).version as string;

    // Another world, whose top categories differ from the champion's batch: the feature store keeps
    // the champion's categories, so the champion reads this batch.
    const done = await deliverTreatedOnly('demo-retail', 'batch-4', { seed: 17, customers: 1500 });

    expect(done.status).toBe('SUCCEEDED');
    expect(done.summary?.featureCategories).toEqual({ source: 'champion', champion });
    expect(done.summary?.model.responseBasis).toMatchObject({ kind: 'randomized-champion', champion });
    const analysis = (await apiCall<PlanAnalysis>(as('finance'), 'GET', `/runs/${done.runId}/plan`)).body;
    // This batch logged no decision not to contact, so the plan still cannot be checked on it.
    expect(analysis.offPolicy).toMatchObject({ status: 'not-estimated' });
    const page = await fetch(`${stack.endpoints.api}/runs/${done.runId}/plan?format=html`, {
      headers: { authorization: `Bearer ${stack.tokens.marketing}` },
    });
    const html = await page.text();
    expect(html).toContain(`Uplift from the response champion ${champion}.`);
    expect(html).not.toContain('Uplift is assumed, not measured.');
    expect(await lakeText(pointerKey)).toBe(pointerBefore);
  });
});
