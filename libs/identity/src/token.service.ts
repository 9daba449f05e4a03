import jwt from 'jsonwebtoken';
import { createSecretKey, type KeyObject } from 'node:crypto';

const TOKEN_LIFETIME_SECONDS = 12 * 3600;

/** What a valid access token says: whose it is and which token version it was issued under. */
export interface TokenClaims {
  userId: string;
  tokenVersion: number;
}

/**
 * Signs and verifies access tokens (HS256). A token names the user and the user's token
 * version; who the user is (role, organisation, suspension) is read per request by
 * IdentityService.authenticate, so raising the version revokes every older token at once.
 */
export class TokenService {
  /**
   * A KeyObject, made once: given a string, jsonwebtoken first tries it as a PEM public key
   * and builds (and throws away) an error on every verify before falling back to a secret key,
   * which was the largest single cost of an authenticated request.
   */
  private readonly secret: KeyObject;

  constructor(secret: string) {
    this.secret = createSecretKey(Buffer.from(secret));
  }

  sign(userId: string, tokenVersion: number): string {
    return jwt.sign({ ver: tokenVersion }, this.secret, {
      algorithm: 'HS256',
      subject: userId,
      expiresIn: TOKEN_LIFETIME_SECONDS,
      issuer: 'pasar-gizi',
    });
  }

  /** Null for anything but an unexpired token of ours that has an expiry and a version. */
  verify(token: string): TokenClaims | null {
    try {
      const claims = jwt.verify(token, this.secret, { algorithms: ['HS256'], issuer: 'pasar-gizi' });
      if (typeof claims !== 'object' || typeof claims.sub !== 'string') return null;
      // jsonwebtoken accepts a token without exp as never expiring; ours always expire.
      if (typeof claims.exp !== 'number') return null;
      const version = claims['ver'];
      if (typeof version !== 'number' || !Number.isSafeInteger(version)) return null;
      return { userId: claims.sub, tokenVersion: version };
    } catch {
      return null;
    }
  }
}
