import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '#infra/build-app';
import type { StatefulStack } from '#infra/stateful-stack';
import type { StatelessStack } from '#infra/stateless-stack';

/** The partner the tests schedule for; deliberately not the one a deployment would use. */
export const TEST_SCHEDULE_PARTNER = 'test-partner';

export interface SynthesizedApp {
  readonly app: App;
  readonly stateful: StatefulStack;
  readonly stateless: StatelessStack;
  readonly statefulTemplate: Template;
  readonly statelessTemplate: Template;
}

export interface SynthOptions {
  /** Run esbuild for every function (slow); template-only tests skip it. */
  readonly bundling?: boolean;
  readonly context?: Readonly<Record<string, unknown>>;
}

/** cdk.json's context, so tests synthesize with the same feature flags as `cdk synth`. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
}

export function newTestApp(options: SynthOptions = {}): App {
  return new App({
    context: {
      ...cdkJsonContext(),
      schedulePartner: TEST_SCHEDULE_PARTNER,
      ...(options.bundling === true ? {} : { 'aws:cdk:bundling-stacks': [] }),
      ...options.context,
    },
  });
}

/** Builds and synthesizes the whole app once; the cdk-nag plugin runs as part of the synth. */
export function synthesize(options: SynthOptions = {}): SynthesizedApp {
  const app = newTestApp(options);
  const { stateful, stateless } = buildApp(app);
  app.synth();
  return {
    app,
    stateful,
    stateless,
    statefulTemplate: Template.fromStack(stateful),
    statelessTemplate: Template.fromStack(stateless),
  };
}

export interface CfnResource {
  readonly Type: string;
  readonly Properties: Record<string, unknown>;
  readonly DependsOn?: string[];
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

/** Every resource of `type` by logical id, each with `Properties` (empty when the template has none). */
export function resources(template: Template, type: string): Record<string, CfnResource> {
  const found = template.findResources(type) as Record<string, Partial<CfnResource>>;
  return Object.fromEntries(
    Object.entries(found).map(([id, r]) => [id, { ...r, Type: type, Properties: r.Properties ?? {} }]),
  );
}

export function resource(template: Template, type: string, id: string): CfnResource {
  const found = resources(template, type)[id];
  if (found === undefined) throw new Error(`no ${type} ${id}`);
  return found;
}

/** The only resource of `type`. */
export function single(template: Template, type: string): CfnResource {
  const all = Object.values(resources(template, type));
  if (all.length !== 1 || all[0] === undefined) throw new Error(`expected one ${type}, found ${all.length}`);
  return all[0];
}

/** The logical id of the single resource of `type` whose id starts with `prefix`. */
export function logicalIdWithPrefix(template: Template, type: string, prefix: string): string {
  const ids = Object.keys(resources(template, type)).filter((id) => id.startsWith(prefix));
  if (ids.length !== 1 || ids[0] === undefined) {
    throw new Error(`expected one ${type} whose id starts with ${prefix}, found ${ids.join(', ') || 'none'}`);
  }
  return ids[0];
}

/** The logical id of a topology function, e.g. `ValidateBatch` -> `ValidateBatchFunction1A2B3C4D`. */
export function functionId(template: Template, name: string): string {
  return logicalIdWithPrefix(template, 'AWS::Lambda::Function', `${name}Function`);
}

export function functionProps(template: Template, name: string): Record<string, unknown> {
  return resource(template, 'AWS::Lambda::Function', functionId(template, name)).Properties;
}

export function functionEnv(template: Template, name: string): Record<string, unknown> {
  return (functionProps(template, name).Environment as { Variables: Record<string, unknown> }).Variables;
}

export interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
}

/** Every statement of every policy attached to the role of a topology function. */
export function statementsOfFunction(template: Template, name: string): Statement[] {
  const role = (functionProps(template, name).Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  return Object.values(resources(template, 'AWS::IAM::Policy'))
    .filter((p) =>
      (p.Properties.Roles as unknown[]).some((r) => JSON.stringify(r) === JSON.stringify({ Ref: role })),
    )
    .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

export function actionsOf(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

export function resourcesOf(statement: Statement): unknown[] {
  return Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
}

/**
 * A CloudFormation value as one readable string: `Fn::Join` concatenated, `Ref` as `<Ref:Id>`,
 * `Fn::GetAtt` as `<Id.Attr>`, `Fn::ImportValue` as `<Import:Name>`. Lets a test compare an ARN or
 * an S3 location with one string instead of a nested structure.
 */
export function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) {
    const v = value as Record<string, unknown>;
    const join = v['Fn::Join'];
    if (Array.isArray(join)) return (join[1] as unknown[]).map(flatten).join(join[0] as string);
    if (v.Ref !== undefined) return `<Ref:${flatten(v.Ref)}>`;
    const getAtt = v['Fn::GetAtt'];
    if (Array.isArray(getAtt)) return `<${getAtt.map(flatten).join('.')}>`;
    if (v['Fn::ImportValue'] !== undefined) return `<Import:${flatten(v['Fn::ImportValue'])}>`;
  }
  return JSON.stringify(value);
}

/**
 * What a stateless-stack value imports from the stateful stack, as the stateful stack exports it:
 * `{ 'Fn::ImportValue': name }` -> the exported value (e.g. `{ Ref: 'LakeBucket1234' }`).
 */
export function exportedValue(statefulTemplate: Template, imported: unknown): unknown {
  const name = (imported as { 'Fn::ImportValue'?: unknown } | undefined)?.['Fn::ImportValue'];
  if (typeof name !== 'string') throw new Error(`not an import: ${JSON.stringify(imported)}`);
  const outputs = statefulTemplate.toJSON().Outputs as Record<
    string,
    { Value: unknown; Export?: { Name: string } }
  >;
  const output = Object.values(outputs).find((o) => o.Export?.Name === name);
  if (output === undefined) throw new Error(`the stateful stack exports no ${name}`);
  return output.Value;
}

/** Rewrites every import in `value` to the value the stateful stack exports under that name. */
export function followImports(statefulTemplate: Template, value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => followImports(statefulTemplate, v));
  if (typeof value === 'object' && value !== null) {
    if ('Fn::ImportValue' in value) return exportedValue(statefulTemplate, value);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, followImports(statefulTemplate, v)]));
  }
  return value;
}
