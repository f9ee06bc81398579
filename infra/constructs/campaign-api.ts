import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { apiRoutes, type RouteName } from '../../shared/api/routes';

export interface CampaignApiProps {
  readonly userPool: IUserPool;
  readonly userPoolClient: IUserPoolClient;
  /** The function serving each route; every route has one. */
  readonly handlers: Readonly<Record<RouteName, IFunction>>;
}

// One JSON line per request, with who called and why a request was refused before the handler ran.
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    requestTime: '$context.requestTime',
    sourceIp: '$context.identity.sourceIp',
    routeKey: '$context.routeKey',
    status: '$context.status',
    responseLength: '$context.responseLength',
    latencyMs: '$context.responseLatency',
    subject: '$context.authorizer.claims.sub',
    authorizerError: '$context.authorizer.error',
    integrationError: '$context.integrationErrorMessage',
  }),
);

/**
 * The HTTP API: every route from `apiRoutes`, each to its own function, all behind a JWT authorizer
 * for the user pool's client. Roles are checked by the handlers against the same route table.
 * No CORS: callers are the CLI and server-side tools, not browsers on another origin.
 */
export class CampaignApi extends Construct {
  public readonly api: HttpApi;
  public readonly stage: HttpStage;

  public constructor(scope: Construct, id: string, props: CampaignApiProps) {
    super(scope, id);

    this.api = new HttpApi(this, 'Api', {
      description: 'campaign-optimizer: runs, cost reports, recommendations and partner uploads.',
      // Created below, because the implicit default stage cannot have access logs or throttling.
      createDefaultStage: false,
      defaultAuthorizer: new HttpUserPoolAuthorizer('UserPoolAuthorizer', props.userPool, {
        userPoolClients: [props.userPoolClient],
      }),
    });

    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: RetentionDays.THREE_MONTHS });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 20, burstLimit: 40 },
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: ACCESS_LOG_FORMAT },
    });

    for (const [name, route] of Object.entries(apiRoutes) as [RouteName, (typeof apiRoutes)[RouteName]][]) {
      this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`${name}Integration`, props.handlers[name]),
      });
    }
  }
}
