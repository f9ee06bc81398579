import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { EXPORTED_LAKE, writeRunScorecard } from '../infra/local/scorecard-report';
import { campaign } from '../shared/domain/runs/run-state';
import { FsObjectStore } from './support/fs-object-store';

/**
 * Judges the engine's latest local run against its generated world's planted truth: the plan,
 * the baseline strategies and the oracle, with the percent of the oracle each reaches.
 *
 *   npm run scorecard                       # the latest run of npm start
 *   npm run scorecard -- --plan my-plan.csv       # any other plan, under the same terms
 */

const usage = `Usage: scorecard [--runs DIR] [--truth FILE] [--plan FILE] [--out DIR]
  --runs   where npm start exported its latest run (default .local/runs)
  --truth  the world's truth.jsonl (default: the one the run was generated with)
  --plan   judge this plan instead of the run's (CSV with customer_id, decision=target, offer_id,
           channel_id), under the run's budget, limits and holdout
  --out    where to write {runId}.json and {runId}.html (default .local/scorecards)`;

const latestRun = z.object({ runId: z.string(), campaign, truthPath: z.string() });

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '.local/runs' },
      truth: { type: 'string' },
      plan: { type: 'string' },
      out: { type: 'string', default: '.local/scorecards' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const runsDir = resolve(values.runs);
  let latest: z.infer<typeof latestRun>;
  try {
    latest = latestRun.parse(JSON.parse(readFileSync(resolve(runsDir, 'latest.json'), 'utf8')));
  } catch (error) {
    throw new Error(
      `no run to score in ${runsDir}: run \`npm start -- --once\` first (${(error as Error).message})`,
    );
  }
  const started = performance.now();
  // Another plan is put beside the run's artifacts so the same reader finds it.
  let other: { planKey: string; label: string } | undefined;
  if (values.plan) {
    const planKey = `runs/${latest.runId}/plans/${basename(values.plan)}`;
    mkdirSync(resolve(runsDir, EXPORTED_LAKE, planKey, '..'), { recursive: true });
    copyFileSync(resolve(values.plan), resolve(runsDir, EXPORTED_LAKE, planKey));
    other = { planKey, label: `The plan in ${basename(values.plan)}` };
  }
  const result = await writeRunScorecard(
    { store: new FsObjectStore(runsDir), lakeBucket: EXPORTED_LAKE },
    { ...latest, truthPath: values.truth ? resolve(values.truth) : latest.truthPath },
    resolve(values.out),
    other,
  );
  console.log(result.text);
  console.log(`\n${result.json}\n${result.html}\n(${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
