/*
 * Authorization codes, grants, access and refresh tokens.
 *
 * From developers.etsy.com/documentation/essentials/authentication: access and refresh tokens
 * are `<numeric user id>.<opaque>`; an access token lives 3600 s (`expires_in: 3600`), a refresh
 * token 90 days; a refresh answers a new access token and a new refresh token (confirmed by
 * etsy/open-api #353, where integrators saw the refresh token change on every refresh).
 *
 * Assumptions where Etsy documents nothing:
 *   - an authorization code lives 10 minutes (RFC 6749 §4.1.2's recommended maximum) and is
 *     single use; presenting a used code again revokes every token issued from it (RFC 6749
 *     §4.1.2), with `invalid_grant`;
 *   - refresh rotation grace: the refresh token just spent keeps working until the refresh
 *     token issued in its place is itself used (so a client whose refresh answer was lost can
 *     retry with the old one); using the old one again in that window supersedes the unused new
 *     one. `refreshGrace: 'none'` revokes the spent token at once instead;
 *   - access tokens issued earlier stay valid until they expire, a refresh notwithstanding;
 *   - revoking a grant (as a password change does, per Etsy in #519) kills all its tokens, and
 *     the refresh then answers `refresh_token is revoked`, the text quoted in #519.
 */
import { randomBytes } from 'node:crypto';
import { oauthError } from './errors';

export const ACCESS_TOKEN_SECONDS = 3600;
export const REFRESH_TOKEN_SECONDS = 90 * 24 * 3600;
export const CODE_SECONDS = 600;

export type RefreshGrace = 'until-new-used' | 'none';

export interface Grant {
  grantId: string;
  userId: number;
  clientId: string;
  scopes: string[];
  revoked: boolean;
}

export interface AuthCode {
  code: string;
  grantId: string;
  redirectUri: string;
  codeChallenge: string;
  expiresAt: number;
  used: boolean;
}

export interface AccessRecord {
  token: string;
  grantId: string;
  expiresAt: number;
}

export interface RefreshRecord {
  token: string;
  grantId: string;
  expiresAt: number;
  revoked: boolean;
  parent: string | null;
  child: string | null;
}

export interface TokenPair {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
}

const opaque = () => randomBytes(54).toString('base64url');

export class TokenStore {
  grants = new Map<string, Grant>();
  codes = new Map<string, AuthCode>();
  access = new Map<string, AccessRecord>();
  refresh = new Map<string, RefreshRecord>();

  constructor(
    private readonly nowSeconds: () => number,
    private readonly grace: RefreshGrace,
  ) {}

  reset(): void {
    this.grants.clear();
    this.codes.clear();
    this.access.clear();
    this.refresh.clear();
  }

  issueCode(userId: number, clientId: string, scopes: string[], redirectUri: string, codeChallenge: string): string {
    const grant: Grant = { grantId: opaque(), userId, clientId, scopes, revoked: false };
    this.grants.set(grant.grantId, grant);
    const code = opaque();
    this.codes.set(code, { code, grantId: grant.grantId, redirectUri, codeChallenge, expiresAt: this.nowSeconds() + CODE_SECONDS, used: false });
    return code;
  }

  /** The code's grant, once; every failure is `invalid_grant`. */
  redeemCode(code: string, clientId: string, redirectUri: string, checkVerifier: (challenge: string) => boolean): Grant {
    const record = this.codes.get(code);
    const grant = record && this.grants.get(record.grantId);
    if (!record || !grant || grant.clientId !== clientId) throw oauthError(400, 'invalid_grant', 'code is invalid');
    if (record.used) {
      this.revokeGrant(grant);
      throw oauthError(400, 'invalid_grant', 'code has already been used');
    }
    if (this.nowSeconds() >= record.expiresAt) throw oauthError(400, 'invalid_grant', 'code is expired');
    if (record.redirectUri !== redirectUri) throw oauthError(400, 'invalid_grant', 'redirect_uri does not match the one the code was issued to');
    if (!checkVerifier(record.codeChallenge)) throw oauthError(400, 'invalid_grant', 'code_verifier is invalid');
    record.used = true;
    return grant;
  }

  /** A grant made without the consent flow, for tests that start from a connected shop. */
  grantDirectly(userId: number, clientId: string, scopes: string[]): TokenPair {
    const grant: Grant = { grantId: opaque(), userId, clientId, scopes, revoked: false };
    this.grants.set(grant.grantId, grant);
    return this.issuePair(grant, null);
  }

  issuePair(grant: Grant, parent: string | null): TokenPair {
    const now = this.nowSeconds();
    const access = `${grant.userId}.${opaque()}`;
    const refresh = `${grant.userId}.${opaque()}`;
    this.access.set(access, { token: access, grantId: grant.grantId, expiresAt: now + ACCESS_TOKEN_SECONDS });
    this.refresh.set(refresh, { token: refresh, grantId: grant.grantId, expiresAt: now + REFRESH_TOKEN_SECONDS, revoked: false, parent, child: null });
    return { access_token: access, token_type: 'Bearer', expires_in: ACCESS_TOKEN_SECONDS, refresh_token: refresh };
  }

  refreshPair(token: string, clientId: string): TokenPair {
    const record = this.refresh.get(token);
    const grant = record && this.grants.get(record.grantId);
    if (!record || !grant || grant.clientId !== clientId) throw oauthError(400, 'invalid_grant', 'refresh_token is invalid');
    if (record.revoked || grant.revoked) throw oauthError(400, 'invalid_grant', 'refresh_token is revoked');
    if (this.nowSeconds() >= record.expiresAt) throw oauthError(400, 'invalid_grant', 'refresh_token is expired');
    // The new token is being used: the one it replaced stops working.
    if (record.parent) this.revokeRefresh(record.parent);
    // The old token is used again while its replacement was never used: the replacement goes.
    if (record.child) this.revokeRefresh(record.child);
    const pair = this.issuePair(grant, this.grace === 'none' ? null : token);
    if (this.grace === 'none') record.revoked = true;
    else record.child = pair.refresh_token;
    return pair;
  }

  /** The live grant behind an access token, or the OAuth error Etsy answers (401 invalid_token). */
  verifyAccess(token: string): { grant: Grant; record: AccessRecord } {
    const record = this.access.get(token);
    const grant = record && this.grants.get(record.grantId);
    if (!record || !grant) throw oauthError(401, 'invalid_token', 'access token is invalid');
    if (grant.revoked) throw oauthError(401, 'invalid_token', 'access token is revoked');
    if (this.nowSeconds() >= record.expiresAt) throw oauthError(401, 'invalid_token', 'access token is expired');
    return { grant, record };
  }

  expireAccessTokens(): void {
    const past = this.nowSeconds() - 1;
    for (const record of this.access.values()) record.expiresAt = Math.min(record.expiresAt, past);
  }

  revokeUser(userId: number): void {
    for (const grant of this.grants.values()) if (grant.userId === userId) this.revokeGrant(grant);
  }

  private revokeGrant(grant: Grant): void {
    grant.revoked = true;
    for (const record of this.refresh.values()) if (record.grantId === grant.grantId) record.revoked = true;
  }

  private revokeRefresh(token: string): void {
    const record = this.refresh.get(token);
    if (record) record.revoked = true;
  }
}
