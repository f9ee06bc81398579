import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { ResponseModelError } from './errors';

/** The TF.js backends this project runs on, fastest first. */
export type TensorflowBackend = 'tensorflow' | 'wasm' | 'cpu';

const BACKENDS: readonly TensorflowBackend[] = ['tensorflow', 'wasm', 'cpu'];

// Held in a variable so that neither tsc nor esbuild try to resolve it: it is an optionalDependency
// that is absent locally and arrives on AWS through a Lambda layer.
const TFJS_NODE = '@tensorflow/tfjs-node';

let initialised: Promise<{ backend: TensorflowBackend }> | undefined;

/**
 * Selects and readies the fastest TF.js backend available: native `tensorflow` (tfjs-node) when it is
 * installed, else WebAssembly, else pure-JS `cpu`. Env `TFJS_BACKEND` forces one (tests, benchmarks);
 * env `TFJS_WASM_PATH` names the directory holding the `.wasm` binaries when they are not in
 * node_modules (the Lambda bundle). Idempotent: every later call resolves to the first call's backend,
 * whatever the environment says by then, because TF.js state is process-wide.
 */
export function initTensorflow(): Promise<{ backend: TensorflowBackend }> {
  if (initialised === undefined) {
    initialised = selectBackend();
    // A failed initialisation (e.g. a forced backend that cannot load) may be retried after a fix.
    initialised.catch(() => {
      initialised = undefined;
    });
  }
  return initialised;
}

async function selectBackend(): Promise<{ backend: TensorflowBackend }> {
  const forced = forcedBackend();
  const failures: string[] = [];
  for (const backend of forced === undefined ? BACKENDS : [forced]) {
    let reason: string;
    let cause: unknown;
    try {
      const refusal = await tryBackend(backend);
      if (refusal === undefined) {
        await tf.ready();
        return { backend };
      }
      reason = refusal;
    } catch (error) {
      reason = error instanceof Error ? error.message : String(error);
      cause = error;
    }
    if (forced !== undefined) {
      throw new ResponseModelError(`TFJS_BACKEND=${forced} could not be initialised: ${reason}`, { cause });
    }
    failures.push(`${backend}: ${reason}`);
  }
  throw new ResponseModelError(`no TensorFlow.js backend could be initialised (${failures.join('; ')})`);
}

function forcedBackend(): TensorflowBackend | undefined {
  const raw = process.env.TFJS_BACKEND?.trim();
  if (raw === undefined || raw === '') return undefined;
  const match = BACKENDS.find((b) => b === raw);
  if (match === undefined) {
    throw new ResponseModelError(
      `TFJS_BACKEND=${raw} is not one of ${BACKENDS.join(', ')}; unset it to auto-select`,
    );
  }
  return match;
}

/** Activates `backend`; resolves to why it could not be, or undefined on success. */
async function tryBackend(backend: TensorflowBackend): Promise<string | undefined> {
  const refused = 'tf.setBackend refused it (TF.js logged why above)';
  switch (backend) {
    case 'tensorflow': {
      // Importing tfjs-node registers the 'tensorflow' backend as a side effect.
      const failure = await loadTfjsNode();
      if (failure !== undefined) return failure;
      return (await tf.setBackend('tensorflow')) ? undefined : refused;
    }
    case 'wasm':
      setWasmPaths(wasmDirectory());
      return (await tf.setBackend('wasm')) ? undefined : refused;
    case 'cpu':
      return (await tf.setBackend('cpu')) ? undefined : refused;
  }
}

/** Loads tfjs-node; resolves to why it could not be, or undefined on success. */
async function loadTfjsNode(): Promise<string | undefined> {
  try {
    await import(TFJS_NODE);
    return undefined;
  } catch {
    // ESM import() ignores NODE_PATH, which is how Lambda exposes layers (/opt/nodejs/node_modules);
    // require() honours it, and tfjs-node is CommonJS anyway.
    try {
      createRequire(import.meta.url)(TFJS_NODE);
      return undefined;
    } catch (error) {
      // Installed but broken (a missing dependency, a libtensorflow built for another platform) must
      // not read as "absent": someone has to fix the layer.
      const message = error instanceof Error ? error.message : String(error);
      return message.startsWith(`Cannot find module '${TFJS_NODE}'`)
        ? `${TFJS_NODE} is not installed`
        : `${TFJS_NODE} failed to load: ${message}`;
    }
  }
}

function wasmDirectory(): string {
  const configured = process.env.TFJS_WASM_PATH?.trim();
  const dir =
    configured !== undefined && configured !== ''
      ? configured
      : path.dirname(
          createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'),
        );
  // setWasmPaths takes a prefix that file names are appended to, not a directory.
  return dir.endsWith('/') ? dir : `${dir}/`;
}
