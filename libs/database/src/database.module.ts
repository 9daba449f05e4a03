import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '../../core/src/app-config.js';
import { dataSourceOptions } from './data-source.js';

@Module({})
export class DatabaseModule {
  static forRoot(config: AppConfig, poolSize = 20): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRoot({ ...dataSourceOptions(config.databaseUrl), extra: { max: poolSize } }),
      ],
    };
  }
}
