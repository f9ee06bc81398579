import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import ora, { type Ora } from 'ora';
import { S3ObjectStore } from '../../shared/adapters/aws/s3-object-store';
import { demoBatchDefaults, generateDemoBatch } from '../../shared/demo/generate-demo-batch';
import { ROLES } from '../../shared/domain/auth/roles';
import { crossSellFile } from '../../shared/domain/cross-sell/cross-sell-file';
import type { CostReport } from '../../shared/domain/reporting/cost-report';
import { runArtifactKeys } from '../../shared/domain/runs/run-artifacts';
import type { RunRecord } from '../../shared/domain/runs/run-record';
import type { Scorecard } from '../../shared/domain/scorecard/scorecard';
import { readCsvObjects } from '../../shared/use-cases/csv-objects';
import { apiCall, uploadBatchAsPartner } from './partner-upload';
import { watchNextExecution } from './run-watcher';
import { exportRunArtifacts, writeRunScorecard } from './scorecard-report';
import { startLocalStack } from './stack';
import { type DemoSummary, formatSummary } from './summary';

const STAGE_LABELS: Record<string, string> = {
  RegisterRun: 'Register the run',
  ValidateBatch: 'Validate files against the contracts',
  BuildFeatures: 'Compute features with Athena SQL',
  SegmentCustomers: 'Segment customers (k-means)',
  ScoreCustomers: 'Train and score the response, churn and value models (TensorFlow.js)',
  AllocateOffers: 'Allocate offers under the budget',
  PublishRun: 'Publish recommendations and the cost report',
  RecordFailure: 'Record why the run failed',
};

const demoDefaults = demoBatchDefaults();
const { values: args } = parseArgs({
  options: {
    once: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    customers: { type: 'string', default: String(demoDefaults.customers) },
    seed: { type: 'string', default: String(demoDefaults.seed) },
    /** 0 gives a campaign history without a control group, which the engine must plan from too. */
    'control-share': { type: 'string' },
    /** The campaign budget in the batch's currency; the demo's default (2,500) when absent. */
    budget: { type: 'string' },
    verbose: { type: 'boolean', default: false },
  },
});

// Checked before anything starts, so a mistyped budget costs no stack start-up.
const budget = args.budget === undefined ? undefined : Number(args.budget);
if (budget !== undefined && !(Number.isFinite(budget) && budget > 0)) {
  process.stderr.write(`--budget must be a positive number of the batch's currency, got ${args.budget}\n`);
  process.exit(2);
}

/** Progress goes to stderr in --json mode so stdout's last line is the summary. */
const say = (text: string) => (args.json ? process.stderr : process.stdout).write(`${text}\n`);

async function main(): Promise<void> {
  const wallStart = Date.now();
  const root = resolve(import.meta.dirname, '../..');
  const spinner: Ora = ora({
    stream: process.stderr,
    isEnabled: !args.json && process.stderr.isTTY === true,
  });

  spinner.start(
    'Starting the embedded AWS stack (S3, DynamoDB Local, Athena over DuckDB, Step Functions, API)',
  );
  const stack = await startLocalStack({
    root,
    workDir: resolve(root, '.local/stack'),
    logLevel: args.verbose ? 'INFO' : 'ERROR',
  });
  spinner.succeed(`Embedded AWS stack up in ${((Date.now() - wallStart) / 1000).toFixed(1)} s`);
  const shutdown = async () => {
    await stack.stop();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);

  spinner.start('Generating the demo retailer');
  const batch = await generateDemoBatch(
    demoBatchDefaults({
      outDir: resolve(root, '.local/demo'),
      customers: Number(args.customers),
      seed: Number(args.seed),
      ...(args['control-share'] === undefined ? {} : { controlShare: Number(args['control-share']) }),
      ...(budget === undefined ? {} : { campaign: { ...demoDefaults.campaign, budget } }),
    }),
  );
  spinner.succeed(
    `Demo retailer: ${batch.stats.customers} customers, ${batch.stats.transactionLines} transaction lines, ${batch.stats.offers} offers on ${batch.stats.channels} channels, ${batch.stats.contacts} past contacts`,
  );

  const api = stack.endpoints.api;
  spinner.start(
    'Uploading the batch as the partner would (presigned URLs from POST /uploads, manifest last)',
  );
  const finished = watchNextExecution(stack.executions, {
    onStageStart: (state) => {
      const label = STAGE_LABELS[state];
      if (label) spinner.start(label);
      if (label && args.json) say(`… ${label}`);
    },
    onStageEnd: (state, ms, failed) => {
      const label = STAGE_LABELS[state];
      if (!label) return;
      const text = `${label} (${(ms / 1000).toFixed(1)} s)`;
      if (failed) spinner.fail(text);
      else spinner.succeed(text);
      if (args.json) say(`${failed ? '✗' : '✓'} ${text}`);
    },
  });
  await uploadBatchAsPartner({ endpoint: api, token: stack.tokens.partner }, batch.manifest, {
    manifestPath: batch.manifestPath,
    files: batch.files.map((f) => f.path),
  });
  spinner.succeed(
    `Uploaded ${batch.files.length} files and the manifest to s3://${stack.resources.landingBucket}/incoming/${batch.manifest.partner}/${batch.manifest.batchId}/`,
  );

  const execution = await finished;
  const runId = execution.name;
  const run = await apiCall<RunRecord>(
    { endpoint: api, token: stack.tokens.analyst },
    'GET',
    `/runs/${runId}`,
  );
  const cost =
    run.body.status === 'SUCCEEDED'
      ? await apiCall<CostReport>(
          { endpoint: api, token: stack.tokens.finance },
          'GET',
          `/runs/${runId}/cost-report`,
        )
      : undefined;
  let scorecard: Awaited<ReturnType<typeof writeRunScorecard>> | undefined;
  if (run.body.status === 'SUCCEEDED') {
    spinner.start('Scoring the plan against the planted truth (baselines and the oracle)');
    const latest = { runId, campaign: run.body.campaign, truthPath: batch.truthPath };
    const lake = { store: new S3ObjectStore(stack.s3), lakeBucket: stack.resources.lakeBucket };
    await exportRunArtifacts(lake, resolve(root, '.local/runs'), latest);
    scorecard = await writeRunScorecard(lake, latest, resolve(root, '.local/scorecards'));
    spinner.succeed(`Scorecard written to ${scorecard.html}`);
  }
  const summary: DemoSummary = {
    runId,
    status: run.body.status,
    wallSeconds: Number(((Date.now() - wallStart) / 1000).toFixed(1)),
    run: run.body,
    ...(cost?.status === 200 ? { cost: cost.body } : {}),
  };
  say(formatSummary(summary));
  if (run.body.status === 'SUCCEEDED') {
    const page = resolve(root, '.local/runs/lake', runArtifactKeys(runId).planReport);
    say(`\nThe plan's report (budget curve, strategy comparison, fairness, off-policy estimate): ${page}`);
  }
  if (scorecard) say(`\n${scorecard.text}\n(page: ${scorecard.html}; again later: npm run scorecard)`);
  if (run.body.status === 'SUCCEEDED') say(await offerSuggestionsText(stack, runId));

  if (args.once) {
    await stack.stop();
    if (args.json) process.stdout.write(`${JSON.stringify(toJson(summary, scorecard?.scorecard))}\n`);
    process.exit(run.body.status === 'SUCCEEDED' ? 0 : 1);
  }

  const sample = await firstTargetedCustomer(stack, runId);
  say(`\nThe API stays up at ${api} (Ctrl+C stops everything). Ready-to-paste requests, one per role:\n`);
  for (const role of ROLES) {
    const path = {
      marketing: `/customers/${sample}/recommendations`,
      analyst: `/runs/${runId}/plan`,
      finance: `/runs/${runId}/cost-report`,
      partner: '/uploads',
      admin: '/runs',
    }[role];
    const post =
      role === 'partner'
        ? ` -X POST -H 'content-type: application/json' -d '{"batchId":"next-week","fileName":"customers.csv","contentType":"text/csv"}'`
        : '';
    say(`# ${role}\ncurl -s${post} -H 'Authorization: Bearer ${stack.tokens[role]}' ${api}${path}\n`);
  }
}

/** The run's new-offer suggestions: co-purchased pairs no current offer bundles. */
async function offerSuggestionsText(
  stack: Awaited<ReturnType<typeof startLocalStack>>,
  runId: string,
): Promise<string> {
  const store = new S3ObjectStore(stack.s3);
  const file = crossSellFile.parse(
    JSON.parse(
      await store.readText({ bucket: stack.resources.lakeBucket, key: runArtifactKeys(runId).crossSell }),
    ),
  );
  const lines = file.suggestions
    .slice(0, 5)
    .map(
      (s) =>
        `  ${s.productA} (${s.labelA}) + ${s.productB} (${s.labelB}): in ${s.together} receipts, ${s.lift.toFixed(1)}× chance`,
    );
  return [
    `\nNew offer ideas (bought together, bundled by no offer; ${file.pairs.length} co-purchased pairs in runs/${runId}/cross-sell.json):`,
    ...(lines.length > 0 ? lines : ['  none']),
  ].join('\n');
}

async function firstTargetedCustomer(
  stack: Awaited<ReturnType<typeof startLocalStack>>,
  runId: string,
): Promise<string> {
  const store = new S3ObjectStore(stack.s3);
  for await (const row of readCsvObjects(store, {
    bucket: stack.resources.lakeBucket,
    key: `runs/${runId}/plan.csv`,
  })) {
    if (row.decision === 'target' && row.customer_id) return row.customer_id;
  }
  return 'C000001';
}

function toJson(summary: DemoSummary, scorecard?: Scorecard) {
  const plan = summary.run.summary?.plan;
  return {
    runId: summary.runId,
    status: summary.status,
    wallSeconds: summary.wallSeconds,
    rows: summary.run.summary?.rows ?? null,
    files: summary.run.files.map((f) => ({
      dataset: f.dataset,
      rowsIn: f.rowsIn,
      accepted: f.accepted,
      rejected: f.rejected,
    })),
    segments: summary.run.summary?.segments.map((s) => ({ name: s.name, customers: s.customers })) ?? [],
    targeting: plan?.byArm ?? [],
    targetedCustomers: plan?.targetedCustomers ?? 0,
    holdoutCustomers: plan?.holdoutCustomers ?? 0,
    expectedIncrementalRevenue: plan?.expectedIncrementalRevenue ?? 0,
    expectedIncrementalProfit: plan?.expectedIncrementalProfit ?? 0,
    campaignCost: plan?.spend ?? 0,
    budget: plan?.budget ?? 0,
    currency: summary.run.campaign.currency,
    certificateGap: plan?.certificate.gap ?? null,
    runCost: summary.cost ? { amount: summary.cost.aws.total, currency: summary.cost.aws.currency } : null,
    model: summary.run.summary?.model ?? null,
    stageSeconds: Object.fromEntries(
      Object.entries(summary.run.stages).map(([k, v]) => [k, v.durationMs / 1000]),
    ),
    failure: summary.run.failure ?? null,
    scorecard: scorecard
      ? {
          percentOfOracle: Object.fromEntries(
            [...(scorecard.engine ? [scorecard.engine] : []), ...scorecard.rows].map((r) => [
              r.name,
              r.percentOfOracle === null ? null : Number(r.percentOfOracle.toFixed(2)),
            ]),
          ),
          trueIncrementalProfit: Object.fromEntries(
            [...(scorecard.engine ? [scorecard.engine] : []), ...scorecard.rows].map((r) => [
              r.name,
              Number(r.figures.incrementalProfit.toFixed(2)),
            ]),
          ),
          // The plan's true spend, and its share of the oracle given that spend (see SameSpendComparison).
          engineTrueSpend: scorecard.engine ? Number(scorecard.engine.figures.spend.toFixed(2)) : null,
          percentOfOracleAtPlanSpend:
            scorecard.engine?.atPlanSpend.percentOfOracle == null
              ? null
              : Number(scorecard.engine.atPlanSpend.percentOfOracle.toFixed(2)),
          modelQini: scorecard.model?.qini ?? null,
        }
      : null,
  };
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
  process.exit(1);
});
