import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { functionEnvironment } from '#infra/constructs/campaign-function';
import { tensorflowLayer } from '#infra/constructs/tensorflow-layer';
import { StatefulStack } from '#infra/stateful-stack';
import { StatelessStack } from '#infra/stateless-stack';
import { pipelineFunctions } from '#infra/topology/functions';
import { cdkJsonContext } from './support';

function buildWithContext(context: Record<string, unknown>): () => void {
  return () => {
    const app = new App({ context: { ...context, 'aws:cdk:bundling-stacks': [] } });
    const stateful = new StatefulStack(app, 'Stateful');
    new StatelessStack(app, 'Stateless', { stateful });
  };
}

describe('synth-time guards', () => {
  it('refuses to synthesize without a schedule partner', () => {
    const context = cdkJsonContext();
    delete context.schedulePartner;
    expect(buildWithContext(context)).toThrow(/schedulePartner/);
  });

  it('refuses a schedule partner that is not a key-safe partner id', () => {
    expect(buildWithContext({ ...cdkJsonContext(), schedulePartner: '../other-partner' })).toThrow(
      /schedulePartner/,
    );
  });

  it('gives a function exactly its listed variables and fails on a missing value', () => {
    const spec = pipelineFunctions.ValidateBatch;
    const values = {
      runsTable: 'runs',
      lakeBucket: 'lake',
      landingBucket: 'landing',
      intakeLimits: '{}',
      piiKeySecret: 'arn:secret',
      recommendationsTable: 'not listed',
    };
    expect(functionEnvironment('ValidateBatch', spec, values)).toEqual({
      RUNS_TABLE_NAME: 'runs',
      LAKE_BUCKET_NAME: 'lake',
      LANDING_BUCKET_NAME: 'landing',
      INTAKE_LIMITS: '{}',
      PII_HASH_KEY_SECRET_ID: 'arn:secret',
    });
    const { intakeLimits: _missing, ...incomplete } = values;
    expect(() => functionEnvironment('ValidateBatch', spec, incomplete)).toThrow(/INTAKE_LIMITS/);
  });
});

describe('TensorFlow layer', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('is an arm64 Node 22 layer when the build exists', () => {
    const build = mkdtempSync(join(tmpdir(), 'tf-layer-'));
    dirs.push(build);
    mkdirSync(join(build, 'nodejs/node_modules/@tensorflow/tfjs-node'), { recursive: true });
    const stack = new Stack(new App(), 'LayerTest');
    expect(tensorflowLayer(stack, 'Layer', build)).toBeDefined();
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::LayerVersion', {
      CompatibleRuntimes: ['nodejs22.x'],
      CompatibleArchitectures: ['arm64'],
    });
  });

  it('is absent, with a warning, when the build does not exist', () => {
    const stack = new Stack(new App(), 'NoLayerTest');
    expect(tensorflowLayer(stack, 'Layer', join(tmpdir(), 'no-such-layer-build'))).toBeUndefined();
    const warnings = stack.node.metadata.filter((m) => m.type === 'aws:cdk:warning');
    expect(JSON.stringify(warnings)).toContain('wasm');
  });
});
