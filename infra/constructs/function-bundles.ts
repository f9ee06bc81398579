import type { FunctionName, FunctionSpec } from '../topology/functions';
import type { BundleCopy } from './campaign-function';

/** What a function's bundle needs beyond what esbuild follows through imports. */
export interface BundleExtras {
  readonly copies: readonly BundleCopy[];
  readonly environment: Readonly<Record<string, string>>;
  readonly externalModules: readonly string[];
}

/** Lambda unpacks the bundle here; TF.js is told where the wasm binaries ended up. */
const LAMBDA_TASK_ROOT = '/var/task/';

// Optional native backend: absent from node_modules, present on AWS only through the layer, so
// esbuild must leave the (dynamic) import alone.
const TFJS_NODE = '@tensorflow/tfjs-node';

// loadSql() reads `new URL('./sql/<name>.sql', import.meta.url)`, i.e. next to the bundled handler.
const FEATURE_SQL: BundleCopy = { fromDir: 'shared/domain/features/sql', suffix: '.sql', toDir: 'sql' };

// setWasmPaths() fetches the binaries by file name at run time; esbuild cannot follow that.
const TFJS_WASM: BundleCopy = {
  fromDir: 'node_modules/@tensorflow/tfjs-backend-wasm/dist',
  suffix: '.wasm',
  toDir: '',
};

// parquetWriter() reads the parquet-wasm binary from beside the bundle (or PARQUET_WASM_PATH).
const PARQUET_WASM: BundleCopy = { fromDir: 'node_modules/parquet-wasm/esm', suffix: '.wasm', toDir: '' };

const SQL_READERS: ReadonlySet<FunctionName> = new Set(['BuildFeatures']);
const PARQUET_WRITERS: ReadonlySet<FunctionName> = new Set(['ValidateBatch']);

export function bundleExtras(name: FunctionName, spec: FunctionSpec): BundleExtras {
  const copies: BundleCopy[] = [];
  const environment: Record<string, string> = {};
  const externalModules: string[] = [];
  if (SQL_READERS.has(name)) copies.push(FEATURE_SQL);
  if (PARQUET_WRITERS.has(name)) {
    copies.push(PARQUET_WASM);
    environment.PARQUET_WASM_PATH = `${LAMBDA_TASK_ROOT}parquet_wasm_bg.wasm`;
  }
  if (spec.tensorflow === true) {
    copies.push(TFJS_WASM);
    environment.TFJS_WASM_PATH = LAMBDA_TASK_ROOT;
    externalModules.push(TFJS_NODE);
  }
  return { copies, environment, externalModules };
}
