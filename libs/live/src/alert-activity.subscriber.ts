import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type {
  DataSource,
  EntitySubscriberInterface,
  InsertEvent,
  QueryRunner,
  TransactionCommitEvent,
  TransactionRollbackEvent,
} from 'typeorm';
import { AlertEntity } from '../../database/src/entities/settlement.entity.js';
import { MarketActivity, marketEvents } from './market-activity.service.js';

const PENDING = 'liveAlerts';

/**
 * Alerts are raised in many places (evaluation, shortfalls, suspension, the Trade Center), each
 * inside its own transaction: rather than a publish at every site, this hears each alert row
 * inserted through TypeORM and publishes it once its transaction has committed (never one
 * that rolled back). Alerts written in raw SQL (the certificate expiry check) are not heard.
 */
@Injectable()
export class AlertActivitySubscriber implements EntitySubscriberInterface<AlertEntity> {
  constructor(
    @InjectDataSource() dataSource: DataSource,
    private readonly activity: MarketActivity,
  ) {
    dataSource.subscribers.push(this);
  }

  listenTo(): typeof AlertEntity {
    return AlertEntity;
  }

  afterInsert(event: InsertEvent<AlertEntity>): void {
    const alert = event.entity;
    if (!alert?.id) return;
    if (!event.queryRunner.isTransactionActive) {
      this.activity.emit(marketEvents.alert(alert));
      return;
    }
    pendingOf(event.queryRunner).push(alert);
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    const pending = pendingOf(event.queryRunner);
    delete event.queryRunner.data[PENDING];
    for (const alert of pending) this.activity.emit(marketEvents.alert(alert));
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    delete event.queryRunner.data[PENDING];
  }
}

function pendingOf(queryRunner: QueryRunner): AlertEntity[] {
  const data = queryRunner.data as Record<string, unknown>;
  return (data[PENDING] ??= []) as AlertEntity[];
}
