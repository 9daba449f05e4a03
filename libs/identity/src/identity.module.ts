import { Module } from '@nestjs/common';
import { APP_CONFIG } from '../../core/src/app-config.module.js';
import type { AppConfig } from '../../core/src/app-config.js';
import { IdentityService } from './identity.service.js';
import { LoginThrottle } from './login-throttle.js';
import { TokenService } from './token.service.js';

@Module({
  providers: [
    IdentityService,
    {
      provide: TokenService,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new TokenService(config.jwtSecret),
    },
    {
      provide: LoginThrottle,
      inject: [APP_CONFIG],
      // The queue prefix keeps two deployments (or test runs) on one Redis apart.
      useFactory: (config: AppConfig) => new LoginThrottle(config, config.queuePrefix, config.loginThrottle),
    },
  ],
  exports: [IdentityService, TokenService],
})
export class IdentityModule {}
