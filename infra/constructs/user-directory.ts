import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  AccountRecovery,
  CfnUserPoolGroup,
  ClientAttributes,
  FeaturePlan,
  LambdaVersion,
  Mfa,
  StringAttribute,
  UserPool,
  type UserPoolClient,
  UserPoolOperation,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { ROLES } from '../../shared/domain/auth/roles';
import { preTokenGenerationFunction } from '../topology/functions';
import { CampaignFunction } from './campaign-function';

/** The custom attribute naming a partner user's partner; the trigger copies it into tokens. */
export const PARTNER_ID_ATTRIBUTE = 'partner_id';

/**
 * Who may call the API: an admin-managed user pool (no self sign-up, TOTP MFA), one group per role,
 * and a public SPA/CLI client. The pre-token-generation trigger puts a partner user's partner id
 * into the access token, which the API authorizes with.
 */
export class UserDirectory extends Construct {
  public readonly userPool: UserPool;
  public readonly client: UserPoolClient;
  public readonly preTokenGeneration: CampaignFunction;
  public readonly groupNames: readonly string[];

  public constructor(scope: Construct, id: string) {
    super(scope, id);

    this.userPool = new UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      // Mutable so an admin can move a user to another partner; the client below cannot write it.
      customAttributes: {
        [PARTNER_ID_ATTRIBUTE]: new StringAttribute({ minLen: 1, maxLen: 64, mutable: true }),
      },
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
        passwordHistorySize: 5,
      },
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      // Access-token customization (the partner_id claim) needs Essentials or Plus.
      featurePlan: FeaturePlan.ESSENTIALS,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.preTokenGeneration = new CampaignFunction(this, 'PreTokenGeneration', {
      name: 'PreTokenGeneration',
      spec: preTokenGenerationFunction,
      values: {},
    });
    // V2 is the version that can change the access token, not just the ID token.
    this.userPool.addTrigger(
      UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG,
      this.preTokenGeneration.fn,
      LambdaVersion.V2_0,
    );

    this.groupNames = ROLES.map((role) => {
      new CfnUserPoolGroup(this, `Group-${role}`, {
        userPoolId: this.userPool.userPoolId,
        groupName: role,
        description: `Users with the ${role} role.`,
      });
      return role;
    });

    const standard = { email: true, fullname: true, preferredUsername: true };
    this.client = this.userPool.addClient('WebClient', {
      generateSecret: false,
      authFlows: { userSrp: true },
      // No hosted UI: tokens come from SRP sign-in, so no OAuth flows or callback URLs to protect.
      disableOAuth: true,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(1),
      readAttributes: new ClientAttributes()
        .withStandardAttributes({ ...standard, emailVerified: true })
        .withCustomAttributes(PARTNER_ID_ATTRIBUTE),
      // A user must not be able to move themselves into another partner's prefix.
      writeAttributes: new ClientAttributes().withStandardAttributes(standard),
    });
  }
}
