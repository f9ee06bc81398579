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

interface Preset {
  customers: number;
  /** Every customer gets one option per (channel, offer) pair. */
  channels: number;
  offers: number;
  /**
   * When set, customers are copies of this many segment profiles, as when scores come from a
   * segment-level model: option values then tie exactly across many customers.
   */
  segments?: number;
}

const PRESETS: Record<string, Preset> = {
  '24m': { customers: 1_000_000, channels: 4, offers: 6 },
  '10m': { customers: 416_667, channels: 4, offers: 6 },
  small: { customers: 100_000, channels: 4, offers: 6 },
  ties: { customers: 416_667, channels: 4, offers: 6, segments: 200 },
};

/**
 * A campaign-shaped instance: customers differ in responsiveness, channels in contact cost and
 * reach, offers in lift and discount cost; about a tenth of the options lose money. The budget
 * covers a fifth of what everyone's costliest profitable option would spend; two channels and two
 * offers are capacity-limited.
 */
function generate(preset: Preset, seed: number): AllocationProblem {
  const rand = Random.uniformSource('bench-allocation', seed);
  const { customers, channels, offers } = preset;
  const perCustomer = channels * offers;
  const total = customers * perCustomer;
  const optionStart = new Int32Array(customers + 1);
  const value = new Float64Array(total);
  const cost = new Float64Array(total);
  const channel = new Int32Array(total);
  const offer = new Int32Array(total);
  const contactCost = [0.02, 0.08, 0.01, 0.9, 0.05, 0.3];
  const reach = [1, 1.6, 0.7, 2.4, 1.2, 1.8];
  const lift = [1, 1.3, 1.7, 2.2, 2.8, 3.5, 4.1, 5];
  const discount = [0.5, 1, 2, 3.5, 5, 7, 9, 12];
  const firstOf = new Map<number, number>();
  const segmentFirst = (segment: number) => firstOf.get(segment) ?? -1;
  const profiles = preset.segments ?? customers;
  let maxSpend = 0;
  let j = 0;
  for (let i = 0; i < customers; i++) {
    // A segment profile is generated once, where its first customer is, and copied after that.
    const segment = preset.segments ? Math.floor(rand() * profiles) : i;
    const first = preset.segments ? segmentFirst(segment) : -1;
    let customerMax = 0;
    if (first >= 0) {
      for (let k = 0; k < perCustomer; k++, j++) {
        value[j] = value[first + k] as number;
        cost[j] = cost[first + k] as number;
        channel[j] = channel[first + k] as number;
        offer[j] = offer[first + k] as number;
        if ((value[j] as number) > 0 && (cost[j] as number) > customerMax) customerMax = cost[j] as number;
      }
    } else {
      if (preset.segments) firstOf.set(segment, j);
      const responsiveness = Math.exp(rand() * 2 - 1.5);
      const margin = 5 + rand() * 30;
      for (let c = 0; c < channels; c++) {
        for (let o = 0; o < offers; o++) {
          const uplift = Math.min(
            0.9,
            0.02 * responsiveness * (reach[c] ?? 1) * (lift[o] ?? 1) * (0.5 + rand()),
          );
          const spend = (contactCost[c] ?? 0.1) + uplift * (discount[o] ?? 1);
          value[j] = uplift * margin - spend - 0.3 * rand();
          cost[j] = spend;
          channel[j] = c;
          offer[j] = o;
          if ((value[j] as number) > 0 && spend > customerMax) customerMax = spend;
          j++;
        }
      }
    }
    maxSpend += customerMax;
    optionStart[i + 1] = j;
  }
  const channelCapacity = new Float64Array(channels).fill(Number.POSITIVE_INFINITY);
  const offerCapacity = new Float64Array(offers).fill(Number.POSITIVE_INFINITY);
  channelCapacity[1] = Math.floor(customers * 0.15);
  if (channels > 3) channelCapacity[3] = Math.floor(customers * 0.04);
  offerCapacity[offers - 1] = Math.floor(customers * 0.05);
  offerCapacity[0] = Math.floor(customers * 0.2);
  return {
    customers,
    optionStart,
    value,
    cost,
    channel,
    offer,
    budget: maxSpend * 0.2,
    channelCapacity,
    offerCapacity,
  };
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
