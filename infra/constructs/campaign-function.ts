import { existsSync, readdirSync } from 'node:fs';
import { Duration } from 'aws-cdk-lib';
import { type IRole, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, type ILayerVersion, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ENV, type EnvKey, type FunctionSpec } from '../topology/functions';
import { fromRoot, REPO_ROOT } from './repo-paths';

/** The value of every env var a stack can provide: resource names, ARNs and settings JSON. */
export type EnvValues = Partial<Record<EnvKey, string>>;

/** Files the handler reads at run time, copied next to the bundle because esbuild cannot inline them. */
export interface BundleCopy {
  /** Directory relative to the repository root. */
  readonly fromDir: string;
  /** File name suffix to copy, e.g. `.sql`. */
  readonly suffix: string;
  /** Directory relative to the bundle root ('' for the root itself). */
  readonly toDir: string;
}

export interface CampaignFunctionProps {
  readonly name: string;
  readonly spec: FunctionSpec;
  readonly values: EnvValues;
  /** Variables that are not resource names, e.g. where the TF.js wasm binaries are. */
  readonly extraEnvironment?: Readonly<Record<string, string>>;
  readonly copies?: readonly BundleCopy[];
  readonly externalModules?: readonly string[];
  readonly layers?: readonly ILayerVersion[];
  readonly logRetention?: RetentionDays;
}

// esbuild's ESM output has no `require`, which CommonJS dependencies (ml-kmeans, parts of the SDK)
// still call. Aliased so it cannot collide with a `createRequire` import inside the bundle.
const REQUIRE_SHIM =
  "import { createRequire as __campaignCreateRequire } from 'node:module'; const require = __campaignCreateRequire(import.meta.url);";

/**
 * One Lambda function of the topology, built the same way every time: Node 22 on Graviton, ESM
 * bundle with source maps, active tracing, its own log group and role, and exactly the environment
 * its spec lists. Grants are added by the caller from the spec's `access`.
 */
export class CampaignFunction extends Construct {
  public readonly fn: NodejsFunction;
  public readonly role: IRole;
  public readonly logGroup: LogGroup;

  public constructor(scope: Construct, id: string, props: CampaignFunctionProps) {
    super(scope, id);
    const { spec } = props;

    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention ?? RetentionDays.THREE_MONTHS,
    });
    // Our own role instead of the default one, which would attach the account-wide
    // AWSLambdaBasicExecutionRole policy: this role may write to its own log group only.
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the ${props.name} function.`,
    });
    this.logGroup.grantWrite(role);
    this.role = role;

    const copies = props.copies ?? [];
    for (const copy of copies) assertHasFiles(props.name, copy);

    this.fn = new NodejsFunction(this, 'Function', {
      description: spec.description.slice(0, 256),
      entry: fromRoot(spec.entry),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: fromRoot('package-lock.json'),
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: spec.memoryMb,
      timeout: Duration.seconds(spec.timeoutSeconds),
      role,
      logGroup: this.logGroup,
      tracing: Tracing.ACTIVE,
      layers: [...(props.layers ?? [])],
      environment: {
        ...functionEnvironment(props.name, spec, props.values),
        ...props.extraEnvironment,
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'campaign-optimizer',
        POWERTOOLS_LOG_LEVEL: 'INFO',
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        banner: REQUIRE_SHIM,
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // The SDK is bundled, not taken from the runtime, so the deployed version is the tested one.
        externalModules: [...(props.externalModules ?? [])],
        forceDockerBundling: false,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir, outputDir) => copyCommands(copies, inputDir, outputDir),
        },
      },
    });
  }
}

/**
 * Exactly the variables the spec lists. A key without a value is a wiring bug in the stack, so it
 * fails the synth instead of deploying a function that would fail at cold start.
 */
export function functionEnvironment(
  name: string,
  spec: FunctionSpec,
  values: EnvValues,
): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const key of spec.env) {
    const value = values[key];
    if (value === undefined || value === '') {
      throw new Error(`${name} needs ${ENV[key]} (${key}), but the stack provides no value for it`);
    }
    environment[ENV[key]] = value;
  }
  return environment;
}

function assertHasFiles(name: string, copy: BundleCopy): void {
  const dir = fromRoot(copy.fromDir);
  const found = existsSync(dir) && readdirSync(dir).some((f) => f.endsWith(copy.suffix));
  if (!found) throw new Error(`${name} bundles ${copy.fromDir}/*${copy.suffix}, but there are no such files`);
}

function copyCommands(copies: readonly BundleCopy[], inputDir: string, outputDir: string): string[] {
  return copies.flatMap((copy) => {
    const target = copy.toDir === '' ? outputDir : `${outputDir}/${copy.toDir}`;
    return [`mkdir -p "${target}"`, `cp "${inputDir}/${copy.fromDir}/"*${copy.suffix} "${target}/"`];
  });
}
