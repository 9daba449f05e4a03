import { TradeCenter1796162584689 } from './1796162584689-trade-center.migration.js';
import type { MigrationInterface } from 'typeorm';
import { Initial1795862761105 } from './1795862761105-initial.migration.js';
import { Settlement1795863586614 } from './1795863586614-settlement.migration.js';

/** Every migration, oldest first; listed explicitly so ES modules need no glob loading. */
export const MIGRATIONS: (new () => MigrationInterface)[] = [
  Initial1795862761105,
  Settlement1795863586614,
  TradeCenter1796162584689,
];
