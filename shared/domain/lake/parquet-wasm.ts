import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as parquetWasm from 'parquet-wasm/esm';

const WASM_FILE = 'parquet_wasm_bg.wasm';
let ready = false;

/**
 * Where the parquet-wasm binary is: env `PARQUET_WASM_PATH` (the Lambda bundle copies it next to
 * the handler), else beside this module once bundled, else in node_modules.
 */
function wasmPath(): string {
  const configured = process.env.PARQUET_WASM_PATH?.trim();
  if (configured) return configured;
  const beside = join(dirname(fileURLToPath(import.meta.url)), WASM_FILE);
  if (existsSync(beside)) return beside;
  return createRequire(import.meta.url).resolve(`parquet-wasm/esm/${WASM_FILE}`);
}

/**
 * parquet-wasm (the Rust arrow/parquet writer compiled to WebAssembly), compiled on first use.
 * Its package's Node entry point is broken (CommonJS in an ESM package), so the ESM build is
 * loaded with the binary read from disk.
 */
export function parquetWriter(): typeof parquetWasm {
  if (!ready) {
    parquetWasm.initSync({ module: readFileSync(wasmPath()) });
    ready = true;
  }
  return parquetWasm;
}
