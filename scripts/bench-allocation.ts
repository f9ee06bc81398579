/**
 * Benchmarks the allocation solver on large random instances and prints wall time, peak RSS and
 * the certificate's gap. Each preset runs in its own process so peak RSS belongs to that preset.
 *
 *   npx tsx scripts/bench-allocation.ts                    # every preset
 *   npx tsx scripts/bench-allocation.ts --preset 24m       # 1,000,000 customers x 24 options
 *   npx tsx scripts/bench-allocation.ts --preset 10m       # 10 million options in total
 *   npx tsx scripts/bench-allocation.ts --preset 24m --greedy   # also time the greedy baseline
 *   npx tsx scripts/bench-allocation.ts --preset 24m --curve    # also time the 21-point budget curve
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Random } from '../shared/demo/random';
import { type AllocationProblem, greedyAllocation, solveAllocation } from '../shared/domain/allocation/index';
import { budgetCurve } from '../shared/domain/planning/budget-curve';
import { type CampaignShape, campaignShapedProblem } from '../test/support/allocation-instances';

type Preset = Omit<CampaignShape, 'budgetShare'>;

const PRESETS: Record<string, Preset> = {
  '24m': { customers: 1_000_000, channels: 4, offers: 6 },
  '10m': { customers: 416_667, channels: 4, offers: 6 },
  small: { customers: 100_000, channels: 4, offers: 6 },
  ties: { customers: 416_667, channels: 4, offers: 6, segments: 200 },
};

/** The budget covers a fifth of what everyone's costliest profitable option would spend. */
function generate(preset: Preset, seed: number): AllocationProblem {
  return campaignShapedProblem(Random.uniformSource('bench-allocation', seed), {
    ...preset,
    budgetShare: 0.2,
  });
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const peakRss = () => process.resourceUsage().maxRSS * 1024;

function runCurve(name: string, problem: AllocationProblem): void {
  const rssBefore = peakRss();
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const curve = budgetCurve(problem);
  const t1 = performance.now();
  const cpuSeconds = (process.cpuUsage(cpu).user / 1e6).toFixed(2);
  const worstGap = Math.max(...curve.points.map((p) => p.gap));
  console.log(
    `[${name}] budgetCurve: ${((t1 - t0) / 1000).toFixed(2)} s wall (${cpuSeconds} s CPU), peak RSS ${mb(peakRss())} ` +
      `(${mb(rssBefore)} before), ${curve.points.length} points, worst gap ${worstGap.toExponential(2)}, ` +
      `saturation ${curve.saturationBudget.toFixed(0)} for ${curve.maxProfit.toFixed(0)}, ` +
      `knee at ${curve.knee.budget.toFixed(0)} for ${curve.knee.profit.toFixed(0)}`,
  );
}

function runPreset(name: string, preset: Preset, withGreedy: boolean, withCurve: boolean): void {
  const t0 = performance.now();
  const problem = generate(preset, 20240601);
  const t1 = performance.now();
  const options = problem.value.length;
  console.log(
    `[${name}] ${problem.customers.toLocaleString()} customers x ${preset.channels * preset.offers} options = ` +
      `${options.toLocaleString()} options; generated in ${((t1 - t0) / 1000).toFixed(2)} s, ` +
      `RSS ${mb(process.memoryUsage().rss)} (instance arrays ${mb(options * 24)})`,
  );
  const rssBefore = peakRss();
  const cpu = process.cpuUsage();
  const t2 = performance.now();
  const result = solveAllocation(problem);
  const t3 = performance.now();
  const cpuSeconds = (process.cpuUsage(cpu).user / 1e6).toFixed(2);
  const { certificate } = result;
  console.log(
    `[${name}] solveAllocation: ${((t3 - t2) / 1000).toFixed(2)} s wall (${cpuSeconds} s CPU), peak RSS ${mb(peakRss())} ` +
      `(${mb(rssBefore)} before solving), rounds ${certificate.iterations}, ` +
      `gap ${certificate.gap.toExponential(2)}, primal ${certificate.primal.toFixed(0)}, ` +
      `dual bound ${certificate.dualBound.toFixed(0)}, lambda ${certificate.lambda.toFixed(4)}`,
  );
  const served = result.choice.reduce((count, j) => count + (j >= 0 ? 1 : 0), 0);
  console.log(
    `[${name}] plan: ${served.toLocaleString()} customers served, spend ${result.spend.toFixed(0)} of ` +
      `${problem.budget.toFixed(0)}, channel use [${Array.from(result.channelUse).join(', ')}] of ` +
      `[${Array.from(problem.channelCapacity).join(', ')}], offer use [${Array.from(result.offerUse).join(', ')}] ` +
      `of [${Array.from(problem.offerCapacity).join(', ')}]`,
  );
  if (withGreedy) {
    const greedyCpu = process.cpuUsage();
    const t4 = performance.now();
    const greedy = greedyAllocation(problem);
    const t5 = performance.now();
    const greedyCpuSeconds = (process.cpuUsage(greedyCpu).user / 1e6).toFixed(2);
    console.log(
      `[${name}] greedyAllocation: ${((t5 - t4) / 1000).toFixed(2)} s wall (${greedyCpuSeconds} s CPU, dual bound included), ` +
        `value ${greedy.value.toFixed(0)} (gap ${greedy.certificate.gap.toExponential(2)}); ` +
        `solver gains ${(((result.value - greedy.value) / Math.abs(greedy.value)) * 100).toFixed(1)}%`,
    );
  }
  if (withCurve) runCurve(name, problem);
}

function main(): void {
  const args = process.argv.slice(2);
  const presetAt = args.indexOf('--preset');
  const withGreedy = args.includes('--greedy');
  const withCurve = args.includes('--curve');
  const name = presetAt >= 0 ? args[presetAt + 1] : undefined;
  if (name !== undefined) {
    const preset = PRESETS[name];
    if (!preset) throw new Error(`unknown preset ${name}; one of ${Object.keys(PRESETS).join(', ')}`);
    runPreset(name, preset, withGreedy, withCurve);
    return;
  }
  const script = fileURLToPath(import.meta.url);
  for (const each of ['10m', '24m']) {
    const child = spawnSync(process.execPath, [...process.execArgv, script, '--preset', each, ...args], {
      stdio: 'inherit',
    });
    if (child.status !== 0) process.exit(child.status ?? 1);
  }
}

main();
