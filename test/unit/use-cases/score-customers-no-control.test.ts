import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { modelCard } from '#shared/domain/registry/model-card';
import { runArtifactKeys } from '#shared/domain/runs/run-artifacts';
import { initTensorflow } from '#shared/domain/scoring/tensorflow';
import { NoRandomizedHistoryError } from '#shared/use-cases/scoring/training-rows';
import { InMemoryObjectStore } from '../../support/in-memory-object-store';
import { LAKE, POINTER, ref, score, seed, TIMEOUT } from '../../support/score-stage-fixture';

/** Rows of a CSV the test wrote or the stage wrote, as records. */
function csvRecords(text: string | undefined): Record<string, string>[] {
  const [header = '', ...lines] = (text ?? '').trim().split('\n');
  const names = header.split(',');
  return lines.map((line) => {
    const cells = line.split(',');
    return Object.fromEntries(names.map((n, i) => [n, cells[i] ?? '']));
  });
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

beforeAll(async () => {
  vi.stubEnv('TFJS_BACKEND', 'wasm');
  await initTensorflow();
});

afterAll(() => {
  vi.unstubAllEnvs();
});

describe('scoreRunCustomers on a history without a randomized control group', () => {
  it(
    'scores by propensity × the prior uplift share, says so, and keeps the model out of the champion race',
    async () => {
      const store = new InMemoryObjectStore();
      await seed(store, { control: false });
      const out = await score(store, 'run-a');

      expect(out.responseBasis).toMatchObject({ kind: 'propensity-prior', priorUpliftShare: 0.1 });
      expect(out.responseBasis?.kind === 'propensity-prior' && out.responseBasis.reason).toMatch(
        /no randomized control group \(3000 treated contacts, no control\)/,
      );
      expect(out.model).toMatchObject({ version: 'run-a', champion: false, challengerMetric: null });
      expect(out.metrics.holdoutQini).toBeNull();
      // No control group, no uplift to check on the holdout: the prior share is used as it is.
      expect(out.upliftSlope).toBeUndefined();
      expect(out.modelPrefix).toEqual(ref('models/propensity/run-a/'));
      expect(store.text(LAKE, POINTER)).toBeUndefined();
      const card = modelCard.parse(
        JSON.parse(store.text(LAKE, 'models/propensity/run-a/model-card.json') ?? ''),
      );
      expect(card).toMatchObject({ name: 'propensity', version: 'run-a' });

      // Each customer's no-contact response is 0.9 × their mean propensity over the actions.
      const scores = csvRecords(store.text(LAKE, runArtifactKeys('run-a').scores));
      expect(scores).toHaveLength(300);
      for (const row of scores) {
        const actions = out.actions.map((_, i) => Number(row[`p_action_${i + 1}`]));
        expect(Number(row.p_control)).toBeCloseTo(0.9 * mean(actions), 5);
      }
      // The planted effect of O1 on e-mail (online shoppers respond, the others do not) shows up in
      // its propensity, and so in the uplift the plan reads.
      const customers = new Map(
        csvRecords(store.text(LAKE, 'in/features.csv')).map((r) => [r.customer_id, r]),
      );
      const o1 = out.actions.findIndex((a) => a.offerId === 'O1');
      const upliftO1 = (online: boolean) =>
        mean(
          scores
            .filter((r) => Number(customers.get(r.customer_id ?? '')?.online_share) > 0.5 === online)
            .map((r) => Number(r[`p_action_${o1 + 1}`]) - Number(r.p_control)),
        );
      expect(upliftO1(true)).toBeGreaterThan(upliftO1(false) + 0.05);
      expect(out.importance?.[0]?.feature).toBe('online_share');
    },
    TIMEOUT,
  );

  it(
    "takes the campaign's prior uplift share",
    async () => {
      const store = new InMemoryObjectStore();
      await seed(store, { control: false });
      const out = await score(store, 'run-a', undefined, { priorUpliftShare: 0.3 });

      expect(out.responseBasis).toMatchObject({ kind: 'propensity-prior', priorUpliftShare: 0.3 });
      const scores = csvRecords(store.text(LAKE, runArtifactKeys('run-a').scores));
      for (const row of scores.slice(0, 50)) {
        const actions = out.actions.map((_, i) => Number(row[`p_action_${i + 1}`]));
        expect(Number(row.p_control)).toBeCloseTo(0.7 * mean(actions), 5);
      }
    },
    TIMEOUT,
  );

  it(
    "scores with the partner's randomized champion when it reads the batch, which keeps its title",
    async () => {
      const store = new InMemoryObjectStore();
      await seed(store);
      const randomized = await score(store, 'run-a');
      const pointerBefore = store.text(LAKE, POINTER);
      const championScores = csvRecords(store.text(LAKE, runArtifactKeys('run-a').scores));

      await seed(store, { control: false });
      const out = await score(store, 'run-b', undefined, { priorUpliftShare: 0.3 });

      expect(out.responseBasis).toMatchObject({ kind: 'randomized-champion', champion: 'run-a' });
      expect(out.responseBasis?.kind === 'randomized-champion' && out.responseBasis.reason).toMatch(
        /no randomized control group \(3000 treated contacts, no control\), so this batch cannot measure uplift: the response champion run-a, learned from a randomized history \(contacts \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d\), scores it/,
      );
      expect(out.model).toMatchObject({ version: 'run-a', champion: false, previousChampion: 'run-a' });
      expect(out.modelPrefix).toEqual(ref('models/response/run-a/'));
      expect(store.text(LAKE, POINTER)).toBe(pointerBefore);
      // This run's propensity model is still kept, so the run can be traced to what it trained.
      expect(store.text(LAKE, 'models/propensity/run-b/model-card.json')).toBeDefined();
      // The same customers and features: the champion's measured scores, not propensity × a prior share.
      const scores = csvRecords(store.text(LAKE, runArtifactKeys('run-b').scores));
      expect(scores.map((r) => r.p_control)).toEqual(championScores.map((r) => r.p_control));
      expect(out.actions).toEqual(randomized.actions);
    },
    TIMEOUT,
  );

  it(
    'falls back to the prior share, saying why, when the champion reads other features',
    async () => {
      const store = new InMemoryObjectStore();
      await seed(store);
      await score(store, 'run-a');
      const pointer = JSON.parse(store.text(LAKE, POINTER) ?? '{}');
      await store.write(
        ref(POINTER),
        JSON.stringify({ ...pointer, featureHash: 'f'.repeat(64) }),
        'application/json',
      );

      await seed(store, { control: false });
      const out = await score(store, 'run-b');

      expect(out.responseBasis).toMatchObject({ kind: 'propensity-prior', priorUpliftShare: 0.1 });
      expect(out.responseBasis?.kind === 'propensity-prior' && out.responseBasis.reason).toMatch(
        /; the response champion run-a reads other features than this batch has$/,
      );
      expect(out.model).toMatchObject({ version: 'run-b', champion: false });
    },
    TIMEOUT,
  );

  it(
    'reports a randomized basis, with its control contacts, when the history has a control group',
    async () => {
      const store = new InMemoryObjectStore();
      await seed(store);
      const out = await score(store, 'run-a');
      expect(out.responseBasis).toEqual({ kind: 'randomized', controlContacts: 1000 });
    },
    TIMEOUT,
  );

  it('refuses a history with no treated contacts, saying what it needs', async () => {
    const store = new InMemoryObjectStore();
    await seed(store, { arms: [] });
    const scoring = score(store, 'run-a');
    await expect(scoring).rejects.toBeInstanceOf(NoRandomizedHistoryError);
    await expect(scoring).rejects.toThrow(/3000 control and no usable treated contacts/);
  });
});
