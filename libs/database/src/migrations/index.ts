import { Notifications1796240396013 } from './1796240396013-notifications.migration.js';
import { QuantityAndMoneyChecks1796162663056 } from './1796162663056-quantity-and-money-checks.migration.js';
import { OutboxLeaseAndRetention1796162519057 } from './1796162519057-outbox-lease-and-retention.migration.js';
import { TradeCenter1796162584689 } from './1796162584689-trade-center.migration.js';
import { InspectionPhotos1796162813547 } from './1796162813547-inspection-photos.migration.js';
import type { MigrationInterface } from 'typeorm';
import { Initial1795862761105 } from './1795862761105-initial.migration.js';
import { Settlement1795863586614 } from './1795863586614-settlement.migration.js';
import { UserAccess1796163242650 } from './1796163242650-user-access.migration.js';
import { MbgRules1796162433417 } from './1796162433417-mbg-rules.migration.js';
import { Webhooks1796240190825 } from './1796240190825-webhooks.migration.js';

/** Every migration, oldest first; listed explicitly so ES modules need no glob loading. */
export const MIGRATIONS: (new () => MigrationInterface)[] = [
  Initial1795862761105,
  Settlement1795863586614,
  QuantityAndMoneyChecks1796162663056,
  OutboxLeaseAndRetention1796162519057,
  UserAccess1796163242650,
  TradeCenter1796162584689,
  MbgRules1796162433417,
  InspectionPhotos1796162813547,
  Webhooks1796240190825,
  Notifications1796240396013,
];
