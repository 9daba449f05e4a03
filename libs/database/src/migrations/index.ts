import type { MigrationInterface } from 'typeorm';
import { Initial1795862275876 } from './1795862275876-initial.migration.js';

/** Every migration, oldest first; listed explicitly so ES modules need no glob loading. */
export const MIGRATIONS: (new () => MigrationInterface)[] = [
  Initial1795862275876,
];
