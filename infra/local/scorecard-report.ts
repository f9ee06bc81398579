import { createReadStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import { runArtifactKeys } from '../../shared/domain/runs/run-artifacts';
import type { Campaign } from '../../shared/domain/runs/run-state';
import { formatScorecard, renderScorecardHtml } from '../../shared/domain/scorecard/render-scorecard';
import type { Scorecard } from '../../shared/domain/scorecard/scorecard';
import { type TruthRecord, truthRecord } from '../../shared/domain/scorecard/truth-file';
import { ObjectNotFoundError, type ObjectStore } from '../../shared/ports/object-store';
import { scoreRunAgainstTruth } from '../../shared/use-cases/score-run-against-truth';

/**
 * The scorecard of a local run on a generated world: the run's artifacts are copied out of the
 * embedded lake (which is emptied when the stack stops) so `npm run scorecard` can judge them
 * again later, and the scorecard is written as JSON and as a page.
 */

/** The bucket name of the exported lake under `.local/runs`. */
export const EXPORTED_LAKE = 'lake';

export interface LatestRun {
  readonly runId: string;
  readonly campaign: Campaign;
  readonly truthPath: string;
}

/** Reads truth.jsonl line by line, refusing a malformed line with its number. */
export async function* readTruthFile(path: string): AsyncIterable<TruthRecord> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
  let n = 0;
  for await (const line of lines) {
    n += 1;
    if (line.trim() === '') continue;
    const parsed = truthRecord.safeParse(JSON.parse(line));
    if (!parsed.success) {
      throw new Error(`${path} line ${n} is not a truth record: ${parsed.error.issues[0]?.message ?? ''}`);
    }
    yield parsed.data;
  }
}

/** Copies what the scorecard reads of a run out of the lake into `runsDir`. */
export async function exportRunArtifacts(
  from: { store: ObjectStore; lakeBucket: string },
  runsDir: string,
  latest: LatestRun,
): Promise<void> {
  const keys = runArtifactKeys(latest.runId);
  const files = [
    keys.catalog,
    keys.plan,
    keys.scores,
    keys.customerValue,
    keys.planAnalysis,
    keys.planReport,
    keys.decisionLog,
  ];
  // A run keeps one of the two: a response model, or a propensity model when its history had no control.
  const modelCards = [`${keys.responseModel}model-card.json`, `${keys.propensityModel}model-card.json`];
  for (const key of [...files, ...modelCards]) {
    const body = await from.store.readText({ bucket: from.lakeBucket, key }).catch((error: unknown) => {
      if (error instanceof ObjectNotFoundError && modelCards.includes(key)) return undefined;
      throw error;
    });
    if (body === undefined) continue;
    const path = join(runsDir, EXPORTED_LAKE, key);
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, body);
  }
  await writeFile(join(runsDir, 'latest.json'), `${JSON.stringify(latest, null, 2)}\n`);
}

/** Builds the run's scorecard and writes `{runId}.json` and `{runId}.html` into `outDir`. */
export async function writeRunScorecard(
  deps: { store: ObjectStore; lakeBucket: string },
  run: LatestRun,
  outDir: string,
  other?: { planKey: string; label: string },
): Promise<{ scorecard: Scorecard; json: string; html: string; text: string }> {
  const scorecard = await scoreRunAgainstTruth(deps, {
    ...(other ? { planKey: other.planKey, planLabel: other.label } : {}),
    runId: run.runId,
    budget: run.campaign.budget,
    sendDate: run.campaign.sendDate,
    seed: run.campaign.seed,
    truth: readTruthFile(run.truthPath),
  });
  await mkdir(outDir, { recursive: true });
  const name = other ? `${run.runId}-${basename(other.planKey, '.csv')}` : run.runId;
  const json = join(outDir, `${name}.json`);
  const html = join(outDir, `${name}.html`);
  await writeFile(json, `${JSON.stringify(scorecard, null, 2)}\n`);
  await writeFile(html, renderScorecardHtml(scorecard, `Scorecard: run ${run.runId}`));
  return { scorecard, json, html, text: formatScorecard(scorecard) };
}
