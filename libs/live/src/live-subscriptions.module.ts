import { Module } from '@nestjs/common';
import { LiveSubscriptions } from './live-subscriptions.service.js';

/** The API's side of live updates: one Redis subscriber connection per process. */
@Module({ providers: [LiveSubscriptions], exports: [LiveSubscriptions] })
export class LiveSubscriptionsModule {}
