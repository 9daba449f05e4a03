import type { Role } from './api/generated.js';

/** Each role's part of the app; a path outside it is "not allowed" for that role. */
export const AREAS: Record<string, Role> = {
  '/dapur': 'KITCHEN_MANAGER',
  '/koperasi': 'COOPERATIVE_OPERATOR',
  '/kota': 'CITY_COORDINATOR',
};

export function homeOf(role: Role): string {
  if (role === 'KITCHEN_MANAGER') return '/dapur';
  if (role === 'COOPERATIVE_OPERATOR') return '/koperasi/permintaan';
  if (role === 'CITY_COORDINATOR') return '/kota';
  return '/masuk';
}

/** The role a path belongs to, or null for paths open to everyone signed in. */
export function areaRole(path: string): Role | null {
  const area = Object.keys(AREAS).find((prefix) => path === prefix || path.startsWith(prefix + '/'));
  return area ? AREAS[area] : null;
}
