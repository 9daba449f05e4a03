import { Inject, Module, type DynamicModule, type Provider } from '@nestjs/common';
import { APP_CONFIG } from '../../core/src/app-config.module.js';
import type { AppConfig } from '../../core/src/app-config.js';
import { digestTiming } from './notification-events.js';
import { NotificationDeliveryService } from './notification-delivery.service.js';
import { NotificationFanOutService } from './notification-fan-out.service.js';
import { NotificationService } from './notification.service.js';
import { NOTIFICATION_CHANNEL_ADAPTERS, WEBHOOK_RECIPIENTS, noWebhooks } from './notify.tokens.js';

/**
 * The notification pipeline. The outside channels plug in by overriding
 * NOTIFICATION_CHANNEL_ADAPTERS (ChannelAdapter[]) and WEBHOOK_RECIPIENTS; both default to none.
 */
@Module({})
export class NotifyModule {
  /** `providers` override the defaults (adapters, webhooks) or add the live publisher (worker). */
  static forRoot(providers: Provider[] = []): DynamicModule {
    return {
      module: NotifyModule,
      providers: [
        { provide: NOTIFICATION_CHANNEL_ADAPTERS, useValue: [] },
        { provide: WEBHOOK_RECIPIENTS, useValue: noWebhooks },
        ...providers,
        NotificationService,
        NotificationFanOutService,
        NotificationDeliveryService,
      ],
      exports: [NotificationService, NotificationFanOutService, NotificationDeliveryService],
    };
  }

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    // Whoever records demand events (API or worker) uses the configured digest delay.
    digestTiming.demandDigestDelayMs = config.notifyDigestDelayMs;
  }
}
