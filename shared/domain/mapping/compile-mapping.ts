import type { DatasetName } from '../contracts/datasets';
import type { CellIssue } from '../intake/row-issues';
import type { Aggregate, Condition, Expression, Mapping } from './mapping-schema';
import { compileTransform, isCellProblem, type TransformContext } from './transforms';

type Cells = Readonly<Record<string, string | undefined>>;

/** A record mapped onto a dataset: target cells as text, and what went wrong on the way. */
export interface MappedRecord {
  readonly values: Record<string, string | undefined>;
  readonly issues: CellIssue[];
}

export interface RowMapper {
  readonly dataset: DatasetName;
  /** The mapped record, or undefined when the output's `where` excludes the source record. */
  map(cells: Cells, rowNumber: number): MappedRecord | undefined;
}

export interface DerivedRecord extends MappedRecord {
  /** Source line where the entity first appeared, for quarantine. */
  readonly firstLine: number;
}

export interface DistinctAccumulator {
  readonly dataset: DatasetName;
  /** `rowNumber` feeds `row` expressions; `line` is where the record sits in the file. */
  add(cells: Cells, rowNumber: number, line?: number): void;
  /** The derived entities, one per distinct key, in first-seen order. */
  records(): Iterable<DerivedRecord>;
  readonly size: number;
}

export interface CompiledMapping {
  readonly name: string;
  /** Source columns the mapping reads; a file lacking one cannot be mapped. */
  readonly sourceColumns: readonly string[];
  readonly rows: readonly RowMapper[];
  readonly datasets: readonly DatasetName[];
  /** A fresh accumulator per distinct output, for one pass over a file. */
  distinct(): DistinctAccumulator[];
}

type Evaluated = string | undefined | CellIssue;

function compileCondition(c: Condition): (cells: Cells) => boolean {
  const test = (text: string): boolean => {
    if (c.equals !== undefined) return text === c.equals;
    if (c.in !== undefined) return c.in.includes(text);
    if (c.startsWith !== undefined) return text.startsWith(c.startsWith);
    return (text.trim() === '') === c.empty;
  };
  return (cells) => test(cells[c.column] ?? '') !== c.not;
}

function columnsOf(e: Expression, into: Set<string>): void {
  if (e.from) into.add(e.from);
  if (e.when) into.add(e.when.column);
  for (const t of e.transforms) if (typeof t === 'object' && 'divideBy' in t) into.add(t.divideBy);
  for (const inner of Object.values(e.json ?? {})) columnsOf(inner, into);
}

function compileExpression(
  e: Expression,
  target: string,
  context: TransformContext,
): (cells: Cells, rowNumber: number) => Evaluated {
  const transforms = e.transforms.map((t) => ({
    apply: compileTransform(t, context),
    // Empty cells stay empty, unless a code map says what an empty code means.
    onEmpty: typeof t === 'object' && 'map' in t && '' in t.map,
  }));
  const when = e.when ? compileCondition(e.when) : undefined;
  const json = e.json
    ? Object.entries(e.json).map(
        ([key, inner]) => [key, compileExpression(inner, `${target}.${key}`, context)] as const,
      )
    : undefined;
  const raw = (cells: Cells, rowNumber: number): Evaluated => {
    if (e.from !== undefined) return cells[e.from];
    if (e.value !== undefined) return e.value;
    if (e.row) return String(rowNumber);
    const object: Record<string, string> = {};
    for (const [key, evaluate] of json ?? []) {
      const v = evaluate(cells, rowNumber);
      if (typeof v === 'object') return v;
      if (v !== undefined && v !== '') object[key] = v;
    }
    return Object.keys(object).length > 0 ? JSON.stringify(object) : '';
  };
  return (cells, rowNumber) => {
    if (when && !when(cells)) return undefined;
    let text = raw(cells, rowNumber);
    for (const t of transforms) {
      if (typeof text !== 'string' || (text.trim() === '' && !t.onEmpty)) break;
      const out = t.apply(text, cells);
      if (isCellProblem(out)) return { column: target, value: text, rule: out.rule, message: out.message };
      text = out;
    }
    return text;
  };
}

function compileColumns(columns: Record<string, Expression>, context: TransformContext) {
  return Object.entries(columns).map(
    ([target, e]) => [target, compileExpression(e, target, context)] as const,
  );
}

function evaluateAll(
  compiled: readonly (readonly [string, (cells: Cells, rowNumber: number) => Evaluated])[],
  cells: Cells,
  rowNumber: number,
): MappedRecord {
  const values: Record<string, string | undefined> = {};
  const issues: CellIssue[] = [];
  for (const [target, evaluate] of compiled) {
    const v = evaluate(cells, rowNumber);
    if (typeof v === 'object') {
      issues.push(v);
      values[target] = v.value ?? undefined;
    } else {
      values[target] = v;
    }
  }
  return { values, issues };
}

function better(aggregate: Aggregate, candidate: string, current: string): boolean {
  const a = Number(candidate);
  const b = Number(current);
  const numeric =
    candidate.trim() !== '' && current.trim() !== '' && Number.isFinite(a) && Number.isFinite(b);
  const less = numeric ? a < b : candidate < current;
  return aggregate === 'min' ? less : !less && candidate !== current;
}

interface EntityState {
  firstLine: number;
  values: Record<string, string | undefined>;
  counts: Map<string, Map<string, number>>;
  issues: CellIssue[];
}

/**
 * Compiles a validated mapping into per-record functions. Each record is mapped with no state
 * for row outputs; distinct outputs keep one small state per key (the aggregates), so memory
 * grows with the number of entities, never with the number of records.
 */
export function compileMapping(mapping: Mapping, context: TransformContext = {}): CompiledMapping {
  const sourceColumns = new Set<string>();
  const rows: RowMapper[] = [];
  const distinctSpecs = mapping.outputs.flatMap((output) => {
    if (output.where) sourceColumns.add(output.where.column);
    if (output.mode === 'row') {
      for (const e of Object.values(output.columns)) columnsOf(e, sourceColumns);
      const where = output.where ? compileCondition(output.where) : undefined;
      const columns = compileColumns(output.columns, context);
      rows.push({
        dataset: output.dataset,
        map: (cells, rowNumber) =>
          where && !where(cells) ? undefined : evaluateAll(columns, cells, rowNumber),
      });
      return [];
    }
    columnsOf(output.key, sourceColumns);
    for (const c of Object.values(output.columns)) columnsOf(c.of, sourceColumns);
    return [
      {
        dataset: output.dataset,
        where: output.where ? compileCondition(output.where) : undefined,
        key: compileExpression(output.key, 'key', context),
        columns: Object.entries(output.columns).map(
          ([target, c]) => [target, c.aggregate, compileExpression(c.of, target, context)] as const,
        ),
      },
    ];
  });

  const distinct = (): DistinctAccumulator[] =>
    distinctSpecs.map((spec) => {
      const entities = new Map<string, EntityState>();
      return {
        dataset: spec.dataset,
        get size() {
          return entities.size;
        },
        add(cells, rowNumber, line = rowNumber) {
          if (spec.where && !spec.where(cells)) return;
          const key = spec.key(cells, rowNumber);
          if (typeof key !== 'string' || key.trim() === '') return;
          let entity = entities.get(key);
          if (!entity) {
            entity = { firstLine: line, values: {}, counts: new Map(), issues: [] };
            entities.set(key, entity);
          }
          for (const [target, aggregate, evaluate] of spec.columns) {
            const v = evaluate(cells, rowNumber);
            if (typeof v === 'object') {
              if (entity.issues.length === 0) entity.issues.push(v);
              continue;
            }
            if (v === undefined || v.trim() === '') continue;
            const current = entity.values[target];
            if (aggregate === 'mode') {
              const counts = entity.counts.get(target) ?? new Map<string, number>();
              counts.set(v, (counts.get(v) ?? 0) + 1);
              entity.counts.set(target, counts);
            } else if (
              current === undefined ||
              aggregate === 'last' ||
              ((aggregate === 'min' || aggregate === 'max') && better(aggregate, v, current))
            ) {
              entity.values[target] = v;
            }
          }
        },
        *records() {
          for (const entity of entities.values()) {
            const values = { ...entity.values };
            for (const [target, counts] of entity.counts) {
              // The most frequent value; ties go to the one seen first.
              let best: [string, number] | undefined;
              for (const entry of counts) if (!best || entry[1] > best[1]) best = entry;
              values[target] = best?.[0];
            }
            yield { values, issues: entity.issues, firstLine: entity.firstLine };
          }
        },
      };
    });

  return {
    name: mapping.name,
    sourceColumns: [...sourceColumns],
    rows,
    datasets: mapping.outputs.map((o) => o.dataset),
    distinct,
  };
}
