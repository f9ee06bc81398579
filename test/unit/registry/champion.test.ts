import { describe, expect, it } from 'vitest';
import {
  CHAMPION_HISTORY_LIMIT,
  type Challenger,
  type ChampionPointer,
  championPointer,
  decideChampion,
  headsMismatch,
  parseChampionPointer,
  promotedPointer,
} from '#shared/domain/registry/champion';
import { championPointerKey, featureListHash, modelVersionPrefix } from '#shared/domain/registry/model-card';
import { runArtifactKeys } from '#shared/domain/runs/run-artifacts';

const WINDOW = {
  asOf: '2026-11-01',
  firstContact: '2026-01-05',
  lastContact: '2026-10-20',
  trainingContacts: 1000,
  skippedContacts: 0,
};

const champion = (overrides: Partial<ChampionPointer> = {}): ChampionPointer => ({
  name: 'response',
  version: 'run-1',
  metric: { name: 'holdoutQini', value: 0.3 },
  featureHash: 'aaaa',
  dataWindow: WINDOW,
  promotedAt: '2026-10-01T06:00:00.000Z',
  reason: 'there is no champion yet',
  history: [],
  ...overrides,
});

const challenger = (value: number | null, overrides: Partial<Challenger> = {}): Challenger => ({
  version: 'run-2',
  metric: { name: 'holdoutQini', value },
  featureHash: 'aaaa',
  dataWindow: WINDOW,
  ...overrides,
});

describe('decideChampion', () => {
  it('promotes the first model there is', () => {
    expect(decideChampion(undefined, challenger(0.1))).toEqual({
      promote: true,
      reason: 'there is no champion yet',
    });
    // Even one whose metric could not be measured: something has to score.
    expect(decideChampion(undefined, challenger(null)).promote).toBe(true);
  });

  it('promotes over a champion trained on other features, which cannot score this batch, whatever the metrics', () => {
    const decision = decideChampion(champion({ featureHash: 'bbbb' }), challenger(0.01));
    expect(decision.promote).toBe(true);
    expect(decision.reason).toMatch(/different feature list.*cannot score this batch/);
  });

  it('promotes a challenger no worse than the champion: better or tied', () => {
    expect(decideChampion(champion(), challenger(0.31))).toMatchObject({ promote: true });
    const tie = decideChampion(champion(), challenger(0.3));
    expect(tie.promote).toBe(true);
    expect(tie.reason).toMatch(/no worse than champion run-1's 0.3 on the same holdout/);
  });

  it('keeps the champion when the challenger is worse', () => {
    const decision = decideChampion(champion(), challenger(0.29));
    expect(decision.promote).toBe(false);
    expect(decision.reason).toMatch(/0.29 is worse than champion run-1's 0.3/);
  });

  it('never lets an undefined metric beat a measured one', () => {
    expect(decideChampion(champion(), challenger(null))).toMatchObject({ promote: false });
    expect(decideChampion(champion(), challenger(Number.NaN))).toMatchObject({ promote: false });
    // The other way round, the measured challenger wins.
    const decision = decideChampion(
      champion({ metric: { name: 'holdoutQini', value: null } }),
      challenger(-0.2),
    );
    expect(decision.promote).toBe(true);
    expect(decision.reason).toMatch(/champion run-1's holdoutQini is undefined/);
  });

  it('hands over to the newer model when neither metric could be measured', () => {
    const decision = decideChampion(
      champion({ metric: { name: 'holdoutQini', value: null } }),
      challenger(null),
    );
    expect(decision.promote).toBe(true);
    expect(decision.reason).toMatch(/undefined on the holdout for both/);
  });

  it('does not rank metrics of different names', () => {
    const decision = decideChampion(
      champion({ metric: { name: 'holdoutAuc', value: 0.9 } }),
      challenger(0.1),
    );
    expect(decision).toMatchObject({ promote: true });
    expect(decision.reason).toMatch(/cannot be ranked/);
  });

  it('re-promotes a retried run that is already the champion', () => {
    const decision = decideChampion(champion({ version: 'run-2' }), challenger(0.1));
    expect(decision).toMatchObject({ promote: true });
    expect(decision.reason).toMatch(/already the champion/);
  });
});

describe('promotedPointer', () => {
  const at = '2026-11-01T06:00:00.000Z';

  it('starts a pointer with an empty history when there was no champion', () => {
    const pointer = promotedPointer('response', undefined, challenger(0.2), {
      promotedAt: at,
      reason: 'first',
    });
    expect(pointer).toEqual({
      name: 'response',
      version: 'run-2',
      metric: { name: 'holdoutQini', value: 0.2 },
      featureHash: 'aaaa',
      dataWindow: WINDOW,
      promotedAt: at,
      reason: 'first',
      history: [],
    });
    expect(championPointer.parse(JSON.parse(JSON.stringify(pointer)))).toEqual(pointer);
  });

  it('puts the former champion first in the history, stamped with when it was replaced, and caps the history', () => {
    const old = Array.from({ length: CHAMPION_HISTORY_LIMIT }, (_, i) => ({
      ...champion({ version: `old-${i}` }),
      replacedAt: '2026-09-01T06:00:00.000Z',
    })).map(({ history: _, name: __, ...entry }) => entry);
    const pointer = promotedPointer('response', champion({ history: old }), challenger(0.4), {
      promotedAt: at,
      reason: 'better',
    });
    expect(pointer.history).toHaveLength(CHAMPION_HISTORY_LIMIT);
    expect(pointer.history[0]).toEqual({
      version: 'run-1',
      metric: { name: 'holdoutQini', value: 0.3 },
      featureHash: 'aaaa',
      dataWindow: WINDOW,
      promotedAt: '2026-10-01T06:00:00.000Z',
      reason: 'there is no champion yet',
      replacedAt: at,
    });
    expect(pointer.history.map((h) => h.version).slice(1, 3)).toEqual(['old-0', 'old-1']);
    expect(pointer.history.some((h) => h.version === `old-${CHAMPION_HISTORY_LIMIT - 1}`)).toBe(false);
  });

  it('does not list a retried run as its own predecessor', () => {
    const current = promotedPointer('response', champion(), challenger(0.4), { promotedAt: at, reason: 'r' });
    const again = promotedPointer('response', current, challenger(0.4), { promotedAt: at, reason: 'r' });
    expect(again.history.map((h) => h.version)).toEqual(['run-1']);
  });
});

describe('parseChampionPointer', () => {
  it('reads a pointer and fills a missing history', () => {
    const { history: _, ...bare } = champion();
    expect(parseChampionPointer(JSON.stringify(bare))).toEqual({ pointer: champion() });
  });

  it('reports, rather than throws, text that is not JSON or not a pointer', () => {
    expect(parseChampionPointer('{oops').problem).toMatch(/^not JSON/);
    expect(parseChampionPointer(JSON.stringify({ version: 'x' })).problem).toMatch(
      /^not a champion pointer \(.*featureHash/,
    );
  });
});

describe('headsMismatch', () => {
  const arms = [
    { armId: 'O1|email', offerId: 'O1', channelId: 'email' },
    { armId: 'O2|sms', offerId: 'O2', channelId: 'sms' },
  ];
  const actions = [
    { actionId: 'O1|email|0', arm: 1 },
    { actionId: 'O2|sms|0', arm: 2 },
  ];

  it('accepts the same arms and actions', () => {
    expect(headsMismatch({ arms, actions }, { arms, actions })).toBeUndefined();
  });

  it('names different or reordered arms, and actions read from other heads or levels', () => {
    expect(headsMismatch({ arms, actions }, { arms: [...arms].reverse(), actions })).toMatch(/its arms/);
    expect(headsMismatch({ arms, actions }, { arms: arms.slice(0, 1), actions })).toMatch(/its arms/);
    expect(
      headsMismatch({ arms, actions }, { arms, actions: [...actions, { actionId: 'O2|sms|10', arm: 2 }] }),
    ).toMatch(/its actions/);
  });
});

describe('registry keys and the feature hash', () => {
  it('keeps a run’s model where the run’s artifact keys say', () => {
    expect(modelVersionPrefix('response', 'r1')).toBe(runArtifactKeys('r1').responseModel);
    expect(championPointerKey('response', 'acme')).toBe('models/response/champions/acme.json');
  });

  it('changes with a renamed, reordered or re-transformed input, and only then', () => {
    const inputs = [
      { name: 'recency_days', transform: 'log1p', missing: 1000 },
      { name: 'return_rate', transform: 'none', missing: 0 },
    ];
    const hash = featureListHash(inputs);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(featureListHash(inputs.map((i) => ({ ...i })))).toBe(hash);
    expect(featureListHash([...inputs].reverse())).not.toBe(hash);
    expect(featureListHash([{ ...inputs[0], name: 'recency' }, inputs[1]] as typeof inputs)).not.toBe(hash);
    expect(featureListHash([{ ...inputs[0], transform: 'none' }, inputs[1]] as typeof inputs)).not.toBe(hash);
    expect(featureListHash([{ ...inputs[0], missing: 0 }, inputs[1]] as typeof inputs)).not.toBe(hash);
  });
});
