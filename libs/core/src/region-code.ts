/**
 * Kemendagri region codes nest by prefix: 35 (province) > 35.72 (city) > 35.72.01 (district)
 * > 35.72.01.1001 (ward). A market is a regency/city: the first two segments.
 */
export function marketCodeOf(regionCode: string): string {
  return regionCode.split('.').slice(0, 2).join('.');
}

/** True when `code` is `scope` itself or lies inside it. */
export function regionContains(scope: string, code: string): boolean {
  return code === scope || code.startsWith(`${scope}.`);
}
