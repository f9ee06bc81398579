import {
  type ChurnModel,
  ChurnModelError,
  loadChurnModel,
  trainChurnModel,
} from '../../domain/churn/churn-model';
import { ClvError } from '../../domain/clv/errors';
import type { PurchaseHistoryFacts } from '../../domain/clv/feature-history';
import {
  type FeatureVector,
  featureColumns,
  featureVectorFor,
  writeFeatureCells,
} from '../../domain/features/feature-vector';
import { spearman } from '../../domain/model-eval/regression-metrics';
import type { ChampionDecision } from '../../domain/registry/champion';
import { finiteOrNull } from '../../domain/rounding';
import { runArtifactKeys } from '../../domain/runs/run-artifacts';
import type { CustomerValueOutput, RunState } from '../../domain/runs/run-state';
import { HashSample } from '../../domain/scoring/hash-sample';
import { rocAuc } from '../../domain/scoring/metrics';
import {
  loadValueModel,
  trainValueModel,
  type ValueModel,
  ValueModelError,
} from '../../domain/value-model/value-model';
import type { ObjectStore } from '../../ports/object-store';
import {
  columnIndices,
  csvTextCell,
  detachedString,
  numberCell,
  readCsvRecords,
  writeCsvLines,
} from '../csv-objects';
import {
  type FittedLifetime,
  fitLifetime,
  type HistoryColumns,
  historyColumns,
  historyFacts,
  lifetimeCells,
  sampleHistories,
  scoreCell,
} from './lifetime-fitting';
import {
  type Example,
  type RegistryContext,
  registryOutput,
  type Samples,
  stack,
  trainAndRegister,
} from './snapshot-training';

/**
 * The churn, value and lifetime models of the score stage. Churn and value learn from the feature
 * store's snapshots at earlier cut-offs (features then, outcome in the windows after); BG/NBD and
 * Gamma-Gamma from each customer's purchase history at the run's cut-off. Each model that cannot
 * be fitted on this batch (too little history, no repeat buyers) is skipped with its reason, and
 * the run goes on: the plan falls back to the response model's own signals.
 */

/** Snapshot rows each model trains on: enough for a stable fit, few enough to train in seconds. */
export const SNAPSHOT_SAMPLE = 12_000;
/** Customers scored per model call. */
const SCORING_CHUNK = 20_000;
/** Lighter than the scorecard's settings: the stage must train both models in well under a minute. */
const TRAINING = { members: 3, epochs: 30, batchSize: 512, learningRate: 0.005 } as const;

export const CUSTOMER_VALUE_COLUMNS = [
  'customer_id',
  'churn_probability',
  'churn_flag',
  'value_180d',
  'value_180d_p10',
  'value_180d_p50',
  'value_180d_p90',
  'p_alive',
  'expected_purchases_180d',
  'expected_spend',
  'lifetime_value_180d',
] as const;

/** Snapshot rows of customers who had bought before the cut-off (the UCI protocol's population). */
async function sampleSnapshots(store: ObjectStore, state: RunState): Promise<Samples | string> {
  const ref = state.stages.features?.snapshots;
  if (ref === undefined) return 'the features stage wrote no snapshots (a run from before these models)';
  const churn = new HashSample<Example>(SNAPSHOT_SAMPLE);
  const value = new HashSample<Example>(SNAPSHOT_SAMPLE);
  let header: { vector: FeatureVector; features: Int32Array; at: Record<string, number> } | undefined;
  for await (const cells of readCsvRecords(store, ref)) {
    if (header === undefined) {
      const vector = featureVectorFor(cells);
      const names = ['purchase_days_total', 'spine_id', 'customer_id', 'as_of', 'churned_90d', 'value_180d'];
      const indices = columnIndices(cells, names);
      header = {
        vector,
        features: featureColumns(vector, cells),
        at: Object.fromEntries(names.map((name, i) => [name, indices[i] ?? -1])),
      };
      continue;
    }
    const { vector, features: columns, at } = header;
    const cell = (name: string): string | undefined => cells[at[name] ?? -1];
    if (!(numberCell(cell('purchase_days_total'), 0) > 0)) continue;
    const key = detachedString(cell('spine_id') ?? `${cell('customer_id')}@${cell('as_of')}`);
    const encode = (target: number) => () => {
      const features = new Float32Array(vector.names.length);
      writeFeatureCells(vector, columns, cells, features, 0);
      return { key, features, target };
    };
    const churned = cell('churned_90d');
    if (churned === '0' || churned === '1') churn.offer(key, encode(Number(churned)));
    const spent = numberCell(cell('value_180d'));
    // Returns can make a window's net revenue negative; the value model predicts spend, so at least 0.
    if (Number.isFinite(spent)) value.offer(key, encode(Math.max(spent, 0)));
  }
  if (header === undefined) return 'the snapshots are empty';
  return { vector: header.vector, churn: churn.take(), value: value.take() };
}

interface Fitted {
  churn?: {
    model: ChurnModel;
    output: NonNullable<CustomerValueOutput['churn']>;
    commit(): Promise<ChampionDecision>;
  };
  value?: {
    model: ValueModel;
    output: NonNullable<CustomerValueOutput['value']>;
    commit(): Promise<ChampionDecision>;
  };
  lifetime?: FittedLifetime;
  skipped: CustomerValueOutput['skipped'];
}

/** A model's report with its registry entry as the promotion ended: written, or found moved. */
function committed<O extends { registry?: { champion: boolean; reason: string } | undefined }>(
  output: O,
  decision: ChampionDecision,
): O {
  if (output.registry === undefined) return output;
  return { ...output, registry: { ...output.registry, champion: decision.promote, reason: decision.reason } };
}

/** Runs `train`, turning the domain's refusals into a skip with their reason; other errors propagate. */
async function orSkip<T>(
  fitted: Fitted,
  model: Fitted['skipped'][number]['model'],
  train: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await train();
  } catch (error) {
    if (error instanceof ChurnModelError || error instanceof ValueModelError || error instanceof ClvError) {
      fitted.skipped.push({ model, reason: error.message });
      return undefined;
    }
    throw error;
  }
}

async function fitSnapshotModels(
  samples: Samples,
  seed: number,
  fitted: Fitted,
  registry: RegistryContext,
): Promise<void> {
  const width = samples.vector.names.length;
  fitted.churn = await orSkip(fitted, 'churn', async () => {
    const { choice, report, card } = await trainAndRegister(
      {
        name: 'churn',
        examples: samples.churn,
        train: (rows) =>
          trainChurnModel(
            { ...stack(rows, width), label: Uint8Array.from(rows, (e) => e.target) },
            { seed, ...TRAINING },
          ),
        metric: 'holdoutAuc',
        measure: (m, held) => {
          if (held.length === 0) return null;
          const x = stack(held, width);
          return finiteOrNull(
            rocAuc(
              m.predict(x.features, x.rows),
              Uint8Array.from(held, (e) => e.target),
            ),
          );
        },
        outOfFold: (r) => ({
          auc: finiteOrNull(r.outOfFoldAuc),
          brier: finiteOrNull(r.calibration.brier),
          calibrationError: finiteOrNull(r.calibration.ece),
        }),
        load: loadChurnModel,
      },
      samples,
      registry,
    );
    return {
      model: choice.model,
      commit: choice.commit,
      output: {
        trainRows: report.rows,
        churnRate: report.churnRate,
        outOfFoldAuc: finiteOrNull(report.outOfFoldAuc),
        brier: finiteOrNull(report.calibration.brier),
        calibrationError: finiteOrNull(report.calibration.ece),
        threshold: choice.model.threshold,
        registry: registryOutput(choice, card),
      },
    };
  });
  fitted.value = await orSkip(fitted, 'value', async () => {
    const { choice, report, card } = await trainAndRegister(
      {
        name: 'value',
        examples: samples.value,
        train: (rows) =>
          trainValueModel(
            { ...stack(rows, width), target: Float64Array.from(rows, (e) => e.target) },
            { seed, ...TRAINING },
          ),
        metric: 'holdoutSpearman',
        measure: (m, held) => {
          if (held.length < 2) return null;
          const x = stack(held, width);
          const estimate = m.predict(x.features, x.rows).estimate;
          return finiteOrNull(
            spearman(
              estimate,
              Float64Array.from(held, (e) => e.target),
            ),
          );
        },
        outOfFold: (r) => ({
          r2: finiteOrNull(r.outOfFold.r2),
          spearman: finiteOrNull(r.outOfFold.spearman),
          topDecileCapture: finiteOrNull(r.outOfFold.topDecileCapture),
        }),
        load: loadValueModel,
      },
      samples,
      registry,
    );
    return {
      model: choice.model,
      commit: choice.commit,
      output: {
        trainRows: report.rows,
        r2: finiteOrNull(report.outOfFold.r2),
        spearman: finiteOrNull(report.outOfFold.spearman),
        topDecileCapture: finiteOrNull(report.outOfFold.topDecileCapture),
        registry: registryOutput(choice, card),
      },
    };
  });
}

/**
 * Every customer's churn, value and lifetime scores as CSV lines, chunk by chunk. A row keeps only
 * what its scores need (features, id, purchase history) while its chunk waits for the models.
 */
async function* scoreRows(
  store: ObjectStore,
  state: RunState,
  vector: FeatureVector | undefined,
  fitted: Fitted,
): AsyncIterable<string> {
  const ref = state.stages.features?.scoringFeatures;
  if (ref === undefined) return;
  const width = vector?.names.length ?? 0;
  let features = new Float32Array(SCORING_CHUNK * width);
  let ids: string[] = [];
  let histories: PurchaseHistoryFacts[] = [];
  function* flush(): Iterable<string> {
    const rows = ids.length;
    const x = features.subarray(0, rows * width);
    const churn = fitted.churn?.model.predict(x, rows);
    const value = fitted.value?.model.predict(x, rows);
    const threshold = fitted.churn?.model.threshold ?? Number.NaN;
    for (let i = 0; i < rows; i++) {
      const p = churn?.[i];
      const row = [
        csvTextCell(ids[i] as string),
        scoreCell(p, 6),
        p === undefined ? '' : p >= threshold ? '1' : '0',
        scoreCell(value?.estimate[i], 2),
        ...(value?.quantiles ?? [undefined, undefined, undefined]).map((q) => scoreCell(q?.[i], 2)),
        ...lifetimeCells(fitted.lifetime, histories[i] as PurchaseHistoryFacts),
      ];
      yield `${row.join(',')}\n`;
    }
    features = new Float32Array(SCORING_CHUNK * width);
    ids = [];
    histories = [];
  }
  let at: { features: Int32Array; history: HistoryColumns; id: number } | undefined;
  for await (const cells of readCsvRecords(store, ref)) {
    if (at === undefined) {
      at = {
        features: vector === undefined ? new Int32Array(0) : featureColumns(vector, cells),
        history: historyColumns(cells),
        id: cells.indexOf('customer_id'),
      };
      continue;
    }
    if (vector !== undefined) writeFeatureCells(vector, at.features, cells, features, ids.length * width);
    ids.push(cells[at.id] ?? '');
    histories.push(historyFacts(cells, at.history));
    if (ids.length === SCORING_CHUNK) yield* flush();
  }
  if (ids.length > 0) yield* flush();
}

/**
 * Fits the churn, value and lifetime models of a run and writes every customer's scores to
 * `runs/{runId}/customer-value.csv`. Deterministic for the campaign's seed on a given backend.
 */
export async function scoreCustomerValue(
  store: ObjectStore,
  state: RunState,
  lakeBucket: string,
  seed: number,
  now: () => Date = () => new Date(),
): Promise<CustomerValueOutput> {
  const started = Date.now();
  const fitted: Fitted = { skipped: [] };
  const registry: RegistryContext = {
    store,
    bucket: lakeBucket,
    partner: state.batch.partner,
    now,
    version: state.runId,
    asOf: state.stages.validate?.asOf ?? state.startedAt.slice(0, 10),
    snapshotCutOffs: state.stages.features?.snapshotCutOffs ?? [],
  };
  const samples = await sampleSnapshots(store, state);
  if (typeof samples === 'string') {
    fitted.skipped.push({ model: 'churn', reason: samples }, { model: 'value', reason: samples });
  } else {
    await fitSnapshotModels(samples, seed, fitted, registry);
  }
  const features = state.stages.features?.scoringFeatures;
  if (features !== undefined) {
    const sampled = await sampleHistories(store, features);
    fitted.lifetime = await orSkip(fitted, 'lifetime', async () => {
      const { lifetime, note } = await fitLifetime(sampled, registry);
      if (note !== undefined) fitted.skipped.push({ model: 'lifetime', reason: note });
      return lifetime;
    });
  }
  const trainingMs = Date.now() - started;
  const file = { bucket: lakeBucket, key: runArtifactKeys(state.runId).customerValue };
  try {
    const vector = typeof samples === 'string' ? undefined : samples.vector;
    const { rows } = await writeCsvLines(
      store,
      file,
      CUSTOMER_VALUE_COLUMNS,
      scoreRows(store, state, vector, fitted),
    );
    // Promoted only once the run has scored with them, as the response model is.
    const { churn, value, lifetime } = fitted;
    return {
      file,
      customers: rows,
      churn: churn ? committed(churn.output, await churn.commit()) : null,
      value: value ? committed(value.output, await value.commit()) : null,
      lifetime: lifetime ? committed(lifetime.output, await lifetime.commit()) : null,
      skipped: fitted.skipped,
      trainingMs,
    };
  } finally {
    fitted.churn?.model.dispose();
    fitted.value?.model.dispose();
  }
}
