import type { StorageType, StoredValue } from '#shared/domain/contracts/column';
import type { LakeColumn } from '#shared/domain/lake/catalog';
import type { DatasetProfile } from '#shared/domain/quality/profile-schema';
import { DatasetProfiler, type ProfilerOptions } from '#shared/domain/quality/profiler';

export function col(name: string, storage: StorageType): LakeColumn {
  return { name, storage, comment: `${name} for tests` };
}

type Row = Readonly<Record<string, StoredValue>>;

/** Profiles `rows` in one go; columns default to one `v` column of the given storage. */
export function profileOf(
  dataset: string,
  columns: readonly LakeColumn[],
  rows: Iterable<Row>,
  options: Partial<ProfilerOptions> = {},
): DatasetProfile {
  const profiler = new DatasetProfiler(dataset, columns, { seed: 1, ...options });
  for (const row of rows) profiler.add(row);
  return profiler.profile();
}

/** One column `v` holding `values` in order. */
export function singleColumn(
  storage: StorageType,
  values: readonly StoredValue[],
  options: Partial<ProfilerOptions> = {},
  dataset = 'd',
): DatasetProfile {
  return profileOf(
    dataset,
    [col('v', storage)],
    values.map((v) => ({ v })),
    options,
  );
}

/** A value `count` times. */
export function repeat<T>(value: T, count: number): T[] {
  return Array.from({ length: count }, () => value);
}

export function columnOf(profile: DatasetProfile, name: string) {
  const column = profile.columns.find((c) => c.name === name);
  if (!column) throw new Error(`no column ${name} in ${profile.dataset}`);
  return column;
}

export function numericOf(profile: DatasetProfile, name: string) {
  const column = columnOf(profile, name);
  if (column.kind === 'categorical') throw new Error(`${name} is categorical`);
  return column.numeric;
}

export function categoricalOf(profile: DatasetProfile, name: string) {
  const column = columnOf(profile, name);
  if (column.kind !== 'categorical') throw new Error(`${name} is not categorical`);
  return column.categorical;
}

export function temporalOf(profile: DatasetProfile, name: string) {
  const column = columnOf(profile, name);
  if (column.kind !== 'temporal') throw new Error(`${name} is not temporal`);
  return column.temporal;
}

/** Epoch millis of a UTC wall-clock time; months are 1-12. */
export function utc(year: number, month: number, day: number, hour = 0, minute = 0): number {
  return Date.UTC(year, month - 1, day, hour, minute);
}
