import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigurationError } from '#shared/domain/errors';
import { campaignDefaults } from '#shared/domain/runs/run-requests';
import { requireEnv, requireJsonEnv } from '#shared/lambda/config';

describe('requireEnv', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('returns the values by key', () => {
    vi.stubEnv('RUNS_TABLE_NAME', 'runs-table');
    vi.stubEnv('LAKE_BUCKET_NAME', 'lake-bucket');
    expect(requireEnv(['runsTable', 'lakeBucket'])).toEqual({
      runsTable: 'runs-table',
      lakeBucket: 'lake-bucket',
    });
  });

  it('names every missing variable by its environment name, empty counting as missing', () => {
    vi.stubEnv('RUNS_TABLE_NAME', undefined);
    vi.stubEnv('LAKE_BUCKET_NAME', '');
    vi.stubEnv('LANDING_BUCKET_NAME', 'landing');
    vi.stubEnv('STATE_MACHINE_ARN', undefined);

    let thrown: unknown;
    try {
      requireEnv(['runsTable', 'lakeBucket', 'landingBucket', 'stateMachineArn']);
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(ConfigurationError);
    expect((thrown as Error).message).toBe(
      'missing environment variables: RUNS_TABLE_NAME, LAKE_BUCKET_NAME, STATE_MACHINE_ARN',
    );
  });
});

describe('requireJsonEnv', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  const valid = { budget: 2500, holdoutFraction: 0.05, seed: 1, currency: 'EUR', sendLeadDays: 7 };

  it('parses the JSON with the schema', () => {
    vi.stubEnv('CAMPAIGN_DEFAULTS', JSON.stringify(valid));
    expect(requireJsonEnv('campaignDefaults', campaignDefaults)).toEqual(valid);
  });

  it('names the variable when it is missing', () => {
    vi.stubEnv('CAMPAIGN_DEFAULTS', undefined);
    expect(() => requireJsonEnv('campaignDefaults', campaignDefaults)).toThrow(
      'missing environment variables: CAMPAIGN_DEFAULTS',
    );
  });

  it('names the variable when it is not JSON, keeping the parse error as cause', () => {
    vi.stubEnv('CAMPAIGN_DEFAULTS', '{budget: 1');
    let thrown: unknown;
    try {
      requireJsonEnv('campaignDefaults', campaignDefaults);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigurationError);
    expect((thrown as Error).message).toBe('CAMPAIGN_DEFAULTS is not valid JSON');
    expect((thrown as Error).cause).toBeInstanceOf(SyntaxError);
  });

  it('names the variable and every invalid field when the schema rejects it', () => {
    vi.stubEnv('CAMPAIGN_DEFAULTS', JSON.stringify({ ...valid, budget: -1, currency: 'EURO' }));
    let thrown: unknown;
    try {
      requireJsonEnv('campaignDefaults', campaignDefaults);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigurationError);
    const message = (thrown as Error).message;
    expect(message).toMatch(/^CAMPAIGN_DEFAULTS is invalid: /);
    expect(message).toContain('budget ');
    expect(message).toContain('currency ');
    expect(message.split('; ')).toHaveLength(2);
  });
});
