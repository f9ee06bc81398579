import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  LIFECYCLE_FEATURE_NAMES,
  RESPONSE_FIXED_FEATURE_NAMES,
} from '#shared/domain/features/feature-vector';
import { championPointer } from '#shared/domain/registry/champion';
import { modelCard } from '#shared/domain/registry/model-card';
import { runArtifactKeys } from '#shared/domain/runs/run-artifacts';
import { initTensorflow } from '#shared/domain/scoring/tensorflow';
import { InMemoryObjectStore } from '../../support/in-memory-object-store';
import { LAKE, NOW, POINTER, ref, score, seed, TIMEOUT } from '../../support/score-stage-fixture';

const pointerIn = (store: InMemoryObjectStore) =>
  championPointer.parse(JSON.parse(store.text(LAKE, POINTER) ?? ''));
const scoresOf = (store: InMemoryObjectStore, runId: string) =>
  store.text(LAKE, runArtifactKeys(runId).scores);
/** A challenger that has barely moved from its random start. */
const UNTRAINED = { epochs: 1, learningRate: 1e-6 };

beforeAll(async () => {
  // The production backend; pinned so that results do not depend on what happens to be installed.
  vi.stubEnv('TFJS_BACKEND', 'wasm');
  await initTensorflow();
});

afterAll(() => {
  vi.unstubAllEnvs();
});

describe('scoreRunCustomers and the champion model', () => {
  it(
    'promotes the first model, with a card that names its data window, features, metrics and training time',
    async () => {
      const store = new InMemoryObjectStore();
      await seed(store);
      const out = await score(store, 'run-a');

      expect(out.model).toMatchObject({
        version: 'run-a',
        champion: true,
        reason: 'there is no champion yet',
        metric: 'holdoutQini',
        championMetric: null,
        previousChampion: null,
      });
      expect(out.model?.challengerMetric).toBeGreaterThan(0.1);
      expect(out.metrics.holdoutQini).toBe(out.model?.challengerMetric);
      expect(out.modelPrefix).toEqual(ref('models/response/run-a/'));
      // The uplift slope is measured on the holdout's treated rows and applied within its bounds.
      const slope = out.upliftSlope;
      expect(slope?.treatedRows).toBeGreaterThan(0);
      expect(slope?.measured).toEqual(expect.any(Number));
      expect(slope?.applied).toBe(Math.min(1, Math.max(0.5, slope?.measured ?? Number.NaN)));
      // The planted uplift depends on online_share (O1) and recency_days (O2) only.
      expect(
        out.importance
          ?.slice(0, 2)
          .map((f) => f.feature)
          .sort(),
      ).toEqual(['online_share', 'recency_days']);

      const card = modelCard.parse(
        JSON.parse(store.text(LAKE, 'models/response/run-a/model-card.json') ?? ''),
      );
      expect(card.trainedAt).toBe(NOW.toISOString());
      expect(card.metrics.trainingMs).toBeGreaterThan(0);
      expect(card.dataWindow).toEqual({
        asOf: '2026-11-01',
        firstContact: '2026-01-01',
        lastContact: '2026-10-28',
        trainingContacts: 3000,
        skippedContacts: 0,
      });
      expect(card.features).toEqual([...RESPONSE_FIXED_FEATURE_NAMES, ...LIFECYCLE_FEATURE_NAMES]);
      expect(card.inputs).toEqual([
        ...RESPONSE_FIXED_FEATURE_NAMES,
        ...LIFECYCLE_FEATURE_NAMES,
        'discount_level',
      ]);
      expect(card.featureHash).toMatch(/^[0-9a-f]{64}$/);
      expect(card.metrics.holdoutQini).toBe(out.model?.challengerMetric);
      expect(card.metrics.trainRows + card.metrics.holdoutRows).toBe(3000);
      // Once chosen, the recipe trained again on every row, holdout included, and that network scores.
      expect(card.finalFit?.trainRows).toBe(3000);
      expect(card.finalFit?.trainingMs).toBeGreaterThan(0);
      expect(store.keys(LAKE, 'models/response/run-a/final/')).toEqual([
        'models/response/run-a/final/model-card.json',
        'models/response/run-a/final/model.json',
        'models/response/run-a/final/weights.bin',
      ]);
      expect(store.text(LAKE, 'models/response/run-a/final/weights.bin')).not.toBe(
        store.text(LAKE, 'models/response/run-a/weights.bin'),
      );

      expect(pointerIn(store)).toEqual({
        name: 'response',
        version: 'run-a',
        metric: { name: 'holdoutQini', value: out.model?.challengerMetric },
        featureHash: card.featureHash,
        dataWindow: card.dataWindow,
        promotedAt: NOW.toISOString(),
        reason: 'there is no champion yet',
        history: [],
      });
    },
    TIMEOUT,
  );

  it(
    'keeps a better champion over the same data and scores with it; a challenger as good as it takes over',
    async () => {
      const store = new InMemoryObjectStore();
      await seed(store);
      const first = await score(store, 'run-a');
      const pointerBefore = store.text(LAKE, POINTER);

      const worse = await score(store, 'run-b', UNTRAINED);
      expect(worse.model).toMatchObject({ version: 'run-a', champion: false, previousChampion: 'run-a' });
      expect(worse.model?.reason).toMatch(/is worse than champion run-a's .* on the same holdout/);
      // The champion is measured on this run's holdout, which is the first run's: same contacts.
      expect(worse.model?.championMetric).toBe(first.model?.challengerMetric);
      expect(worse.model?.challengerMetric ?? 0).toBeLessThan(worse.model?.championMetric ?? 0);
      // The customers are scored by the champion, exactly as it scored them in its own run: by its
      // final fit, while its first network was the one measured on the holdout.
      expect(scoresOf(store, 'run-b')).toBe(scoresOf(store, 'run-a'));
      expect(worse.modelPrefix).toEqual(ref('models/response/run-a/'));
      expect(worse.metrics).toEqual(first.metrics);
      expect(store.text(LAKE, POINTER)).toBe(pointerBefore);
      // The losing challenger is still kept as a version.
      expect(store.keys(LAKE, 'models/response/run-b/')).toEqual([
        'models/response/run-b/model-card.json',
        'models/response/run-b/model.json',
        'models/response/run-b/weights.bin',
      ]);

      // Same data, same seed, same settings: the same model, no worse, so the newer version wins.
      const tie = await score(store, 'run-c');
      expect(tie.model).toMatchObject({ version: 'run-c', champion: true, previousChampion: 'run-a' });
      expect(tie.model?.challengerMetric).toBe(tie.model?.championMetric);
      expect(tie.model?.reason).toMatch(/no worse than champion run-a's/);
      expect(scoresOf(store, 'run-c')).toBe(scoresOf(store, 'run-a'));
      const pointer = pointerIn(store);
      expect(pointer.version).toBe('run-c');
      expect(pointer.history.map((h) => h.version)).toEqual(['run-a']);
    },
    TIMEOUT,
  );

  it(
    'promotes over a champion trained on another feature list, saying why',
    async () => {
      const store = new InMemoryObjectStore();
      await seed(store);
      await score(store, 'run-a');
      await seed(store, { extraColumns: ['cat_share_vitamins'] });

      const out = await score(store, 'run-b', UNTRAINED);
      expect(out.model).toMatchObject({
        version: 'run-b',
        champion: true,
        championMetric: null,
        previousChampion: 'run-a',
      });
      expect(out.model?.reason).toMatch(
        /champion run-a was trained on a different feature list.*cannot score this batch/,
      );
      expect(out.modelPrefix).toEqual(ref('models/response/run-b/'));
      expect(pointerIn(store)).toMatchObject({ version: 'run-b', history: [{ version: 'run-a' }] });
    },
    TIMEOUT,
  );

  it(
    'does not promote over a champion another run set after this one read the pointer',
    async () => {
      const store = new InMemoryObjectStore();
      await seed(store);
      // While run-a scores, another run of the partner promotes its model: run-a read "no champion".
      // The rival's pointer, as its run wrote it in a registry of its own.
      const elsewhere = new InMemoryObjectStore();
      await seed(elsewhere);
      await score(elsewhere, 'run-rival', UNTRAINED);
      const rival = elsewhere.text(LAKE, POINTER) ?? '';
      let moved = false;
      store.onCall((call) => {
        if (!moved && call.op === 'readTagged' && call.key === POINTER) {
          moved = true;
          store.put(LAKE, POINTER, rival, 'application/json');
        }
      });
      const out = await score(store, 'run-a');

      expect(out.model).toMatchObject({ version: 'run-a', champion: false });
      expect(out.model?.reason).toMatch(/not promoted after all: another run moved the champion pointer/);
      expect(pointerIn(store).version).toBe('run-rival');
      // It still scored with its own model, and said so.
      expect(scoresOf(store, 'run-a')).toBeDefined();
      expect(store.calls.filter((c) => c.op === 'writeIfUnchanged' && c.key === POINTER)).toEqual([
        expect.objectContaining({ version: '', written: false }),
      ]);
    },
    TIMEOUT,
  );

  it(
    'promotes over a champion whose arms are not this run’s, saying why',
    async () => {
      const store = new InMemoryObjectStore();
      await seed(store);
      await score(store, 'run-a');
      await seed(store, { arms: ['O1|email', 'O2|sms', 'O3|push'] });

      const out = await score(store, 'run-b', UNTRAINED);
      expect(out.model).toMatchObject({ version: 'run-b', champion: true, championMetric: null });
      expect(out.model?.reason).toMatch(
        /^champion run-a cannot score this batch: its arms \(O1\|email, O2\|sms\)/,
      );
    },
    TIMEOUT,
  );

  it(
    'treats an unreadable pointer, or one naming a version that is gone, as no usable champion',
    async () => {
      const store = new InMemoryObjectStore();
      await seed(store);
      await store.write(ref(POINTER), '{"version": ', 'application/json');
      const out = await score(store, 'run-a');
      expect(out.model).toMatchObject({ version: 'run-a', champion: true, previousChampion: null });
      expect(out.model?.reason).toMatch(
        /^the champion pointer could not be read \(not JSON .*\) and was treated as absent: there is no champion yet$/,
      );
      expect(pointerIn(store).version).toBe('run-a');

      await store.write(
        ref(POINTER),
        JSON.stringify({ ...pointerIn(store), version: 'gone' }),
        'application/json',
      );
      const next = await score(store, 'run-b', UNTRAINED);
      expect(next.model).toMatchObject({ version: 'run-b', champion: true, previousChampion: 'gone' });
      expect(next.model?.reason).toMatch(
        /^champion gone cannot score this batch: .*models\/response\/gone\/.* does not exist/,
      );
    },
    TIMEOUT,
  );
});
