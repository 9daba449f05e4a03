import type { Request } from 'express';
import type { Actor } from '../../../../libs/identity/src/actor.js';
import type { Loaders } from './loaders.js';

export interface GqlContext {
  req: Request;
  actor: Actor | null;
  loaders: Loaders;
  locale: 'en' | 'id';
}
