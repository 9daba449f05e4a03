import { Module } from '@nestjs/common';
import { APP_CONFIG } from '../../core/src/app-config.module.js';
import type { AppConfig } from '../../core/src/app-config.js';
import { IdentityService } from './identity.service.js';
import { TokenService } from './token.service.js';

@Module({
  providers: [
    IdentityService,
    {
      provide: TokenService,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new TokenService(config.jwtSecret),
    },
  ],
  exports: [IdentityService, TokenService],
})
export class IdentityModule {}
