import jwt from 'jsonwebtoken';
import type { Actor } from './actor.js';
import { ORGANIZATION_KINDS, ROLES } from '../../database/src/entities/identity.entity.js';

const TOKEN_LIFETIME_SECONDS = 12 * 3600;

/** Signs and verifies access tokens (HS256). The claims carry the Actor so requests need no lookup. */
export class TokenService {
  constructor(private readonly secret: string) {}

  sign(actor: Actor): string {
    return jwt.sign(
      { role: actor.role, org: actor.organizationId, kind: actor.organizationKind, region: actor.regionCode },
      this.secret,
      { algorithm: 'HS256', subject: actor.userId, expiresIn: TOKEN_LIFETIME_SECONDS, issuer: 'pasar-gizi' },
    );
  }

  /** Returns null for anything not a valid, unexpired token of ours. */
  verify(token: string): Actor | null {
    try {
      const claims = jwt.verify(token, this.secret, { algorithms: ['HS256'], issuer: 'pasar-gizi' });
      if (typeof claims !== 'object' || typeof claims.sub !== 'string') return null;
      const role = claims['role'];
      const kind = claims['kind'];
      if (!(ROLES as readonly unknown[]).includes(role)) return null;
      return {
        userId: claims.sub,
        role: role as Actor['role'],
        organizationId: typeof claims['org'] === 'string' ? claims['org'] : null,
        organizationKind: (ORGANIZATION_KINDS as readonly unknown[]).includes(kind)
          ? (kind as Actor['organizationKind'])
          : null,
        regionCode: typeof claims['region'] === 'string' ? claims['region'] : null,
      };
    } catch {
      return null;
    }
  }
}
