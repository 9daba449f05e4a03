import { Module } from '@nestjs/common';
import { AlertActivitySubscriber } from './alert-activity.subscriber.js';
import { MarketActivity } from './market-activity.service.js';

/** The market-event publisher, one Redis connection per process (API and worker alike). */
@Module({ providers: [MarketActivity, AlertActivitySubscriber], exports: [MarketActivity] })
export class LiveModule {}
