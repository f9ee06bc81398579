import { Validations } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '#infra/build-app';
import { newTestApp, type SynthesizedApp, synthesize } from './support';

let synth: SynthesizedApp;

beforeAll(() => {
  // synthesize() runs app.synth(), which fails on any unacknowledged cdk-nag finding.
  synth = synthesize();
});

describe('cdk-nag (AwsSolutions)', () => {
  it.each(['stateful', 'stateless'] as const)('leaves no error or warning in the %s stack', (which) => {
    // Checked after the synth: acknowledgements of imported ARNs are only added once CDK has
    // resolved cross-stack references, as they are when `cdk synth` runs the plugin.
    const report = new AwsSolutionsChecks(synth.app).validateScope(synth[which]);
    const findings = report.violations.map(
      (v) => `${v.severity} ${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
    );
    expect(findings).toEqual([]);
  });

  it('gives every acknowledgement a specific reason', () => {
    const acknowledged = synth.app.node
      .findAll()
      .flatMap((c) => c.node.metadata)
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.entries(m.data as Record<string, string>));
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const [id, reason] of acknowledged) {
      expect(id).toMatch(/AwsSolutions-[A-Z]+\d+/);
      expect(reason.length, id).toBeGreaterThanOrEqual(80);
    }
  });

  it('writes the acknowledgements into the templates as an audit trail', () => {
    const metadata = JSON.stringify(synth.statelessTemplate.toJSON());
    expect(metadata).toContain('"cdk_nag"');
    expect(metadata).toContain('AwsSolutions-L1');
  });

  it('fails the synth when a resource breaks a rule', () => {
    const app = newTestApp();
    const { stateless } = buildApp(app);
    // No encryption enforcement, no TLS policy, no dead-letter queue: several AwsSolutions-SQS rules.
    new Queue(stateless, 'CarelessQueue');
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS/);
  });
});
