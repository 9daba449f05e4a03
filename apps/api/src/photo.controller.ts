import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError } from '../../../libs/core/src/domain-error.js';
import { HTTP_STATUS_OF } from './http/domain-http.filter.js';
import { PhotoService } from '../../../libs/files/src/photo.service.js';
import type { Actor } from '../../../libs/identity/src/actor.js';
import { IdentityService } from '../../../libs/identity/src/identity.service.js';

/** Sends a domain error as JSON in both languages (this is REST, outside the GraphQL formatter). */
export function sendError(res: Response, error: unknown): void {
  if (error instanceof DomainError) {
    res
      .status(HTTP_STATUS_OF[error.code])
      .json({ code: error.code, message: error.messages.en, messages: error.messages });
    return;
  }
  throw error;
}

/**
 * Inspection photos: `POST /uploads/photos` with the image as the body (Bearer token) answers
 * `{ id, url }`; the url goes into receiveOrder's photoUrl. `GET /uploads/photos/:id` serves it
 * to those who may see it.
 */
@Controller('uploads/photos')
export class PhotoController {
  constructor(
    private readonly photos: PhotoService,
    private readonly identity: IdentityService,
  ) {}

  /** The signed-in actor, checked like a GraphQL request (revoked or deactivated: none). */
  private async actor(req: Request, changing = false): Promise<Actor | null> {
    const header = req.headers.authorization;
    if (!header?.startsWith('Bearer ')) return null;
    const session = await this.identity.authenticate(header.slice(7).trim());
    if (changing && session?.organizationSuspended) {
      throw DomainError.forbidden(
        'Your organisation is suspended: you can read, but not change anything',
        'Organisasi Anda sedang ditangguhkan: Anda dapat melihat, tetapi tidak dapat mengubah apa pun',
      );
    }
    return session?.actor ?? null;
  }

  @Post()
  async upload(@Req() req: Request, @Res() res: Response): Promise<void> {
    try {
      const body: unknown = req.body;
      const stored = await this.photos.store(
        await this.actor(req, true),
        Buffer.isBuffer(body) ? body : undefined,
      );
      res.status(201).json(stored);
    } catch (error) {
      sendError(res, error);
    }
  }

  @Get(':id')
  async read(@Param('id') id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    try {
      const photo = await this.photos.read(await this.actor(req), id);
      res
        .status(200)
        .set({
          'content-type': photo.contentType,
          'cache-control': 'private, max-age=86400',
          'x-content-type-options': 'nosniff',
        })
        .send(photo.bytes);
    } catch (error) {
      sendError(res, error);
    }
  }
}
