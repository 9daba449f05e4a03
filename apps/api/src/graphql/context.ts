import type { Request } from 'express';
import type { Actor } from '../../../../libs/identity/src/actor.js';
import type { Loaders } from './loaders.js';

export interface GqlContext {
  req: Request;
  /** The bearer token as sent; authenticationPlugin turns it into `actor`. */
  token: string | null;
  /** Null until the operation has passed validation, and for anonymous callers. */
  actor: Actor | null;
  /**
   * The same actor, in an object shared by every copy Apollo or Nest makes of this context:
   * the per-request loaders read it (they are built before the actor is known).
   */
  viewer: { actor: Actor | null };
  /** The actor's organisation is suspended: mutations are refused. */
  organizationSuspended: boolean;
  loaders: Loaders;
  locale: 'en' | 'id';
}
