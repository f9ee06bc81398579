import { randomBytes, randomUUID } from 'node:crypto';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

type SigningKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

import type { Role } from '../../shared/domain/auth/roles';
import { LOCAL_REGION } from './lambda-runtime';

export interface LocalUser {
  readonly username: string;
  readonly groups: readonly Role[];
  /** The custom:partner_id attribute; the pre-token-generation trigger puts it in the token. */
  readonly partnerId?: string;
}

/** One demo user per role. */
export const DEMO_USERS: Readonly<Record<Role, LocalUser>> = {
  marketing: { username: 'maria.marketing', groups: ['marketing'] },
  analyst: { username: 'arjun.analyst', groups: ['analyst'] },
  finance: { username: 'fatima.finance', groups: ['finance'] },
  partner: { username: 'demo-retail.uploader', groups: ['partner'], partnerId: 'demo-retail' },
  admin: { username: 'ada.admin', groups: ['admin'] },
};

/**
 * A stand-in for the Cognito user pool: an RS256 key, its JWKS, and access tokens with the
 * claims Cognito issues (`cognito:groups`, `token_use`, `client_id`, a user-pool issuer).
 * The tokens are checked by the same `CognitoJwtVerifier` that protects the API on AWS.
 */
export class LocalCognito {
  public readonly userPoolId = `${LOCAL_REGION}_LocalPool1`;
  public readonly clientId = randomBytes(13).toString('hex');
  public readonly issuer = `https://cognito-idp.${LOCAL_REGION}.amazonaws.com/${this.userPoolId}`;

  private constructor(
    private readonly privateKey: SigningKey,
    public readonly jwks: { keys: Record<string, unknown>[] },
    private readonly kid: string,
  ) {}

  public static async create(): Promise<LocalCognito> {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const kid = randomUUID();
    const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
    return new LocalCognito(privateKey, { keys: [jwk] }, kid);
  }

  /** An access token for a user, valid for `ttlSeconds`. */
  public async accessToken(user: LocalUser, ttlSeconds = 12 * 3600): Promise<string> {
    const sub = randomUUID();
    return new SignJWT({
      'cognito:groups': [...user.groups],
      token_use: 'access',
      client_id: this.clientId,
      scope: 'aws.cognito.signin.user.admin',
      username: user.username,
      auth_time: Math.floor(Date.now() / 1000),
      ...(user.partnerId ? { partner_id: user.partnerId } : {}),
    })
      .setProtectedHeader({ alg: 'RS256', kid: this.kid })
      .setIssuer(this.issuer)
      .setSubject(sub)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(`${ttlSeconds}s`)
      .sign(this.privateKey);
  }

  /** The production verifier, configured as the API's authorizer is, with the local JWKS. */
  public verifier() {
    const verifier = CognitoJwtVerifier.create({
      userPoolId: this.userPoolId,
      tokenUse: 'access',
      clientId: this.clientId,
    });
    verifier.cacheJwks(this.jwks as never);
    return verifier;
  }
}
