import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiFunctions, ENV, pipelineFunctions } from '#infra/topology/functions';
import { loadSettings } from '#infra/topology/settings';
import { SQL_FILES } from '#shared/domain/features/feature-queries';
import { functionProps, type SynthesizedApp, synthesize } from './support';

let synth: SynthesizedApp;

beforeAll(() => {
  synth = synthesize({ bundling: true });
});

const names = [...Object.keys(pipelineFunctions), ...Object.keys(apiFunctions)];

/** The directory in the cloud assembly holding a function's bundle. */
function bundleDir(name: string): string {
  const key = (functionProps(synth.statelessTemplate, name).Code as { S3Key: string }).S3Key;
  return join(synth.app.outdir, `asset.${key.replace(/\.zip$/, '')}`);
}

describe('function bundles', () => {
  it.each(names)('%s is one ESM file that provides require() to CommonJS dependencies', (name) => {
    const code = readFileSync(join(bundleDir(name), 'index.mjs'), 'utf8');
    expect(code.split('\n', 1)[0]).toMatch(
      /^import \{ createRequire as \w+ \} from 'node:module'; const require = /,
    );
    expect(existsSync(join(bundleDir(name), 'index.mjs.map'))).toBe(true);
  });

  it('ships the feature SQL next to BuildFeatures, where loadSql() reads it', () => {
    const sql = readdirSync(join(bundleDir('BuildFeatures'), 'sql'));
    expect(sql.sort()).toEqual(SQL_FILES.map((f) => `${f}.sql`).sort());
  });

  it('ships the TF.js wasm binaries with ScoreCustomers and the Parquet writer with ValidateBatch, only', () => {
    for (const name of names) {
      const wasm = readdirSync(bundleDir(name)).filter((f) => f.endsWith('.wasm'));
      if (name === 'ScoreCustomers') expect(wasm).toContain('tfjs-backend-wasm.wasm');
      else if (name === 'ValidateBatch') expect(wasm).toEqual(['parquet_wasm_bg.wasm']);
      else expect(wasm, name).toEqual([]);
    }
    const validate = functionProps(synth.statelessTemplate, 'ValidateBatch').Environment as {
      Variables: Record<string, string>;
    };
    expect(validate.Variables.PARQUET_WASM_PATH).toBe('/var/task/parquet_wasm_bg.wasm');
  });

  it('leaves tfjs-node, which only the layer provides, out of the bundle', () => {
    const code = readFileSync(join(bundleDir('ScoreCustomers'), 'index.mjs'), 'utf8');
    expect(code).toContain('@tensorflow/tfjs-node');
    expect(code).not.toContain('tfjs_binding');
  });

  it('loads every bundle and finds its handler', async () => {
    const settings = loadSettings();
    const values: Record<string, string> = {
      [ENV.campaignDefaults]: JSON.stringify(settings.campaignDefaults),
      [ENV.intakeLimits]: JSON.stringify(settings.intakeLimits),
      [ENV.priceTable]: JSON.stringify(settings.priceTable),
    };
    for (const variable of Object.values(ENV)) values[variable] ??= `test-${variable.toLowerCase()}`;
    Object.assign(process.env, values, {
      AWS_REGION: 'eu-west-1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    });
    for (const name of names) {
      const module = (await import(pathToFileURL(join(bundleDir(name), 'index.mjs')).href)) as {
        handler?: unknown;
      };
      expect(typeof module.handler, name).toBe('function');
    }
  });
});
