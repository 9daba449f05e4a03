import { Inject, Module, type DynamicModule, type Provider, type Type } from '@nestjs/common';
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
  /**
   * `providers` override the defaults (adapters, webhooks) or add the live publisher (worker).
   * `channels`: a module exporting NOTIFICATION_CHANNEL_ADAPTERS and WEBHOOK_RECIPIENTS (the
   * API's NotificationChannelsModule): the pipeline then uses those very instances, so no
   * empty default shadows them in the same process.
   */
  static forRoot(providers: Provider[] = [], options: { channels?: Type } = {}): DynamicModule {
    const defaults: Provider[] = options.channels
      ? []
      : [
          { provide: NOTIFICATION_CHANNEL_ADAPTERS, useValue: [] },
          { provide: WEBHOOK_RECIPIENTS, useValue: noWebhooks },
        ];
    return {
      module: NotifyModule,
      imports: options.channels ? [options.channels] : [],
      providers: [
        ...defaults,
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
