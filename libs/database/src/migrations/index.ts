import { InspectionPhotos1796162813547 } from './1796162813547-inspection-photos.migration.js';
import type { MigrationInterface } from 'typeorm';
import { Initial1795862761105 } from './1795862761105-initial.migration.js';
import { Settlement1795863586614 } from './1795863586614-settlement.migration.js';

/** Every migration, oldest first; listed explicitly so ES modules need no glob loading. */
export const MIGRATIONS: (new () => MigrationInterface)[] = [
  Initial1795862761105,
  Settlement1795863586614,
  InspectionPhotos1796162813547,
];
