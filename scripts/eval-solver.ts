/**
 * How far the allocation solver's plans are from the exact optimum (HiGHS MILP), over seeded
 * families of small instances and over instances drawn from the latest local run's generated
 * world (its true probabilities, as the scorecard's oracle sees them). Prints, per family, the
 * worst and mean gap, how many plans are exact and how many are over 0.1%, and the solve times.
 *
 *   npm run eval:solver                    # every family, the default counts
 *   npm run eval:solver -- --scale 0.25    # a quarter of the instances, for a quicker look
 *   npm run eval:solver -- --family truth  # one family
 *   npm run eval:solver -- --verbose       # also name each instance over 0.1%
 *
 * The truth family needs a run of `npm start -- --once` first; without one it is skipped.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type AllocationProblem, solveAllocation } from '../shared/domain/allocation/index';
import { campaignCatalog } from '../shared/domain/catalog/campaign-catalog';
import { runArtifactKeys } from '../shared/domain/runs/run-artifacts';
import { trueAllocationProblem } from '../shared/domain/scorecard/strategies';
import { TrueWorldBuilder } from '../shared/domain/scorecard/true-world';
import { campaignTerms } from '../shared/use-cases/score-run-against-truth';
import {
  benchShaped,
  type Instance,
  large,
  mid,
  plantedTruth,
  scarce,
  segmentCopies,
  small,
  tiny,
} from '../test/support/allocation-instances';
import { solveExactly } from '../test/support/exact-allocation';
import { mulberry32 } from '../test/unit/allocation/fixtures';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '1' },
    family: { type: 'string' },
    runs: { type: 'string', default: '.local/runs' },
    from: { type: 'string', default: '0' },
    verbose: { type: 'boolean', default: false },
  },
  strict: true,
});
const scale = Number(values.scale);
if (!(scale > 0)) throw new Error(`--scale must be a positive number, got ${values.scale}`);

/** Customers drawn from a whole world's problem: 100-400 of them, budget 10-50%, capacities half the time. */
function subsample(full: AllocationProblem, t: number): Instance {
  const rand = mulberry32(9_000 + t);
  const n = 100 + Math.floor(rand() * 301);
  const picked = Array.from({ length: n }, () => Math.floor(rand() * full.customers)).sort((a, b) => a - b);
  const optionStart = new Int32Array(n + 1);
  const at: number[] = [];
  let freeSpend = 0;
  picked.forEach((i, s) => {
    let best = -1;
    for (let j = full.optionStart[i] as number; j < (full.optionStart[i + 1] as number); j++) {
      at.push(j);
      if (best < 0 || (full.value[j] as number) > (full.value[best] as number)) best = j;
    }
    if (best >= 0) freeSpend += full.cost[best] as number;
    optionStart[s + 1] = at.length;
  });
  const capacity = () => (rand() < 0.5 ? Number.POSITIVE_INFINITY : Math.ceil(n * (0.05 + rand() * 0.3)));
  const problem: AllocationProblem = {
    customers: n,
    optionStart,
    value: Float64Array.from(at, (j) => full.value[j] as number),
    cost: Float64Array.from(at, (j) => full.cost[j] as number),
    channel: Int32Array.from(at, (j) => full.channel[j] as number),
    offer: Int32Array.from(at, (j) => full.offer[j] as number),
    budget: freeSpend * (0.1 + rand() * 0.4),
    channelCapacity: Float64Array.from(full.channelCapacity, capacity),
    offerCapacity: Float64Array.from(full.offerCapacity, capacity),
  };
  return { problem, shape: `world sample #${t} n=${n}` };
}

/** The latest local run's world as the scorecard builds it, or why there is none. */
function latestWorldProblem(): AllocationProblem | string {
  const runs = resolve(values.runs);
  const latestPath = resolve(runs, 'latest.json');
  if (!existsSync(latestPath)) return `no local run in ${runs}: run \`npm start -- --once\` first`;
  const latest = JSON.parse(readFileSync(latestPath, 'utf8'));
  const catalogPath = resolve(runs, 'lake', runArtifactKeys(latest.runId).catalog);
  if (!existsSync(catalogPath) || !existsSync(latest.truthPath))
    return `the run in ${runs} has no catalog or truth`;
  const catalog = campaignCatalog.parse(JSON.parse(readFileSync(catalogPath, 'utf8')));
  const terms = campaignTerms(catalog, latest.campaign.budget, latest.campaign.sendDate);
  const builder = new TrueWorldBuilder(terms, () => true);
  for (const line of readFileSync(latest.truthPath, 'utf8').split('\n'))
    if (line) builder.add(JSON.parse(line));
  return trueAllocationProblem(builder.build(), Number.POSITIVE_INFINITY).problem;
}

const FAMILIES: Record<string, { count: number; make: () => ((t: number) => Instance) | string }> = {
  'tight 40-300': { count: 200, make: () => small },
  'few served 40-300': { count: 200, make: () => scarce },
  'tiny 5-40': { count: 200, make: () => tiny },
  'roomy 500-800': { count: 60, make: () => large },
  'tight 1,000-3,000': { count: 20, make: () => mid },
  '24 options 100-500': { count: 200, make: () => benchShaped },
  'segment copies': { count: 120, make: () => segmentCopies },
  'planted worlds': { count: 100, make: () => plantedTruth },
  truth: {
    count: 300,
    make: () => {
      const full = latestWorldProblem();
      return typeof full === 'string' ? full : (t) => subsample(full, t);
    },
  },
};

const pct = (x: number) => `${(x * 100).toFixed(4)}%`;

async function main(): Promise<void> {
  const names = values.family ? [values.family] : Object.keys(FAMILIES);
  for (const name of names) {
    const family = FAMILIES[name];
    if (!family) throw new Error(`unknown family ${name}; one of ${Object.keys(FAMILIES).join(', ')}`);
    const make = family.make();
    if (typeof make === 'string') {
      console.log(`${name}: skipped, ${make}`);
      continue;
    }
    const count = Math.max(1, Math.round(family.count * scale));
    let worst = { gap: 0, shape: '' };
    let total = 0;
    let exact = 0;
    let over = 0;
    let solveMs = 0;
    let slowest = 0;
    const from = Number(values.from);
    for (let t = from; t < from + count; t++) {
      const { problem, shape } = make(t);
      const optimum = await solveExactly(problem);
      const started = performance.now();
      const { value } = solveAllocation(problem);
      const ms = performance.now() - started;
      solveMs += ms;
      slowest = Math.max(slowest, ms);
      const gap = Math.max(0, (optimum.value - value) / Math.max(optimum.value, 1e-9));
      total += gap;
      if (gap <= 1e-9) exact++;
      if (gap > 0.001) {
        over++;
        if (values.verbose) console.log(`  over 0.1%: ${shape}, gap ${pct(gap)}, ${ms.toFixed(0)} ms`);
      }
      if (gap >= worst.gap) worst = { gap, shape };
    }
    console.log(
      `${name}: ${count} instances, worst ${pct(worst.gap)} (${worst.shape}), mean ${pct(total / count)}, ` +
        `${exact} exact, ${over} over 0.1%; solve ${(solveMs / count).toFixed(0)} ms mean, ${slowest.toFixed(0)} ms max`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
