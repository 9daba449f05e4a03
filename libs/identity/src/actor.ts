import { DomainError } from '../../core/src/domain-error.js';
import { regionContains } from '../../core/src/region-code.js';
import type { OrganizationKind, Role } from '../../database/src/entities/identity.entity.js';

/** Who is asking: resolved once per request from the access token. */
export interface Actor {
  userId: string;
  role: Role;
  organizationId: string | null;
  organizationKind: OrganizationKind | null;
  /** Region code of the actor's organisation (a coordinator's scope). */
  regionCode: string | null;
}

export function requireActor(actor: Actor | null | undefined): Actor {
  if (!actor) throw DomainError.unauthenticated();
  return actor;
}

export function requireRole(actor: Actor | null | undefined, ...roles: Role[]): Actor {
  const signedIn = requireActor(actor);
  if (!roles.includes(signedIn.role)) {
    throw DomainError.forbidden(
      `This needs the role ${roles.join(' or ')}; you are ${signedIn.role}`,
      `Ini memerlukan peran ${roles.join(' atau ')}; peran Anda ${signedIn.role}`,
      { required: roles },
    );
  }
  return signedIn;
}

/** The organisation the actor acts for; a role that acts for one always has one. */
export function requireOrganization(actor: Actor): string {
  if (!actor.organizationId) {
    throw DomainError.forbidden(
      'Your account is not linked to an organisation',
      'Akun Anda tidak terhubung dengan organisasi',
    );
  }
  return actor.organizationId;
}

/** Coordinators see everything inside their region; the admin sees everything. */
export function coordinates(actor: Actor, regionCode: string): boolean {
  if (actor.role === 'ADMIN') return true;
  return (
    actor.role === 'CITY_COORDINATOR' &&
    actor.regionCode !== null &&
    regionContains(actor.regionCode, regionCode)
  );
}

export function requireCoordinatorOf(actor: Actor | null | undefined, regionCode: string): Actor {
  const signedIn = requireRole(actor, 'CITY_COORDINATOR', 'ADMIN');
  if (!coordinates(signedIn, regionCode)) {
    throw DomainError.forbidden(
      `You coordinate ${signedIn.regionCode}, not ${regionCode}`,
      `Anda koordinator wilayah ${signedIn.regionCode}, bukan ${regionCode}`,
    );
  }
  return signedIn;
}
