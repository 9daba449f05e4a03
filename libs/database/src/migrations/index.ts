import { Initial1795862761105 } from './1795862761105-initial.migration.js';
import type { MigrationInterface } from 'typeorm';

/** Every migration, oldest first; listed explicitly so ES modules need no glob loading. */
export const MIGRATIONS: (new () => MigrationInterface)[] = [
  Initial1795862761105,
];
