import { type CompiledMapping, compileMapping } from '../../domain/mapping/compile-mapping';
import { mappingSchema } from '../../domain/mapping/mapping-schema';
import type { TransformContext } from '../../domain/mapping/transforms';
import type { Rejection } from '../../domain/runs/run-state';
import type { ObjectStore } from '../../ports/object-store';

/** Where a partner keeps its mappings: they outlive batches, so they sit beside them. */
export function mappingKey(partner: string, name: string): string {
  return `incoming/${partner}/mappings/${name}.json`;
}

/**
 * Reads, validates and compiles a partner's mapping, pinned to the version found now. Every way
 * it can be unusable is a rejection naming the mapping file and what to fix.
 */
export async function resolveMapping(
  store: ObjectStore,
  bucket: string,
  partner: string,
  name: string,
  context: TransformContext = {},
): Promise<CompiledMapping | Rejection> {
  const key = mappingKey(partner, name);
  const file = `mappings/${name}.json`;
  const info = await store.head({ bucket, key });
  if (!info) {
    return {
      file,
      rule: 'mapping_missing',
      message: `the manifest names mapping ${name} but there is no ${key}`,
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(await store.readText({ bucket, key, version: info.version }));
  } catch (error) {
    return {
      file,
      rule: 'mapping_json',
      message: `the mapping is not valid JSON: ${(error as Error).message}`,
    };
  }
  const parsed = mappingSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.join('.') ?? '';
    return {
      file,
      ...(path ? { column: path } : {}),
      rule: 'mapping_schema',
      message: `${path || 'mapping'}: ${issue?.message ?? 'is invalid'}`,
    };
  }
  if (parsed.data.name !== name) {
    return {
      file,
      column: 'name',
      rule: 'mapping_schema',
      message: `the mapping calls itself ${parsed.data.name}, not ${name}`,
    };
  }
  try {
    return compileMapping(parsed.data, context);
  } catch (error) {
    return { file, rule: 'mapping_schema', message: (error as Error).message };
  }
}
