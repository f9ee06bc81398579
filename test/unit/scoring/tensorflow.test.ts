import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it, vi } from 'vitest';

// initTensorflow keeps its choice for the life of the module, so each case loads a fresh copy.
async function freshInit() {
  vi.resetModules();
  return import('../../../shared/domain/scoring/tensorflow');
}

function tfjsNodeInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('initTensorflow', () => {
  it('rejects an unknown TFJS_BACKEND, listing the valid ones', async () => {
    vi.stubEnv('TFJS_BACKEND', 'webgpu');
    const { initTensorflow } = await freshInit();
    await expect(initTensorflow()).rejects.toThrow(
      'TFJS_BACKEND=webgpu is not one of tensorflow, wasm, cpu; unset it to auto-select',
    );
  });

  it.skipIf(tfjsNodeInstalled())('explains that a forced tensorflow backend needs tfjs-node', async () => {
    vi.stubEnv('TFJS_BACKEND', 'tensorflow');
    const { initTensorflow } = await freshInit();
    await expect(initTensorflow()).rejects.toMatchObject({
      name: 'ResponseModelError',
      message: 'TFJS_BACKEND=tensorflow could not be initialised: @tensorflow/tfjs-node is not installed',
    });
  });

  it('honours a forced backend', async () => {
    vi.stubEnv('TFJS_BACKEND', 'cpu');
    const { initTensorflow } = await freshInit();
    expect(await initTensorflow()).toEqual({ backend: 'cpu' });
    expect(tf.getBackend()).toBe('cpu');
  });

  it('picks tfjs-node when installed, else wasm, and keeps that choice on later calls', async () => {
    vi.stubEnv('TFJS_BACKEND', '');
    const { initTensorflow } = await freshInit();
    const expected = tfjsNodeInstalled() ? 'tensorflow' : 'wasm';
    expect(await initTensorflow()).toEqual({ backend: expected });
    expect(tf.getBackend()).toBe(expected);

    vi.stubEnv('TFJS_BACKEND', 'cpu');
    expect(await initTensorflow()).toEqual({ backend: expected });
    expect(tf.getBackend()).toBe(expected);
  });
});
