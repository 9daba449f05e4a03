import { Module } from '@nestjs/common';
import { PhotoService } from './photo.service.js';

@Module({ providers: [PhotoService], exports: [PhotoService] })
export class FilesModule {}
