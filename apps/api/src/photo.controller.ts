import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError } from '../../../libs/core/src/domain-error.js';
import { PhotoService } from '../../../libs/files/src/photo.service.js';
import { TokenService } from '../../../libs/identity/src/token.service.js';

const STATUS: Record<string, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BAD_USER_INPUT: 400,
  CONFLICT: 409,
};

/** Sends a domain error as JSON in both languages (this is REST, outside the GraphQL formatter). */
export function sendError(res: Response, error: unknown): void {
  if (error instanceof DomainError) {
    res
      .status(STATUS[error.code] ?? 400)
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
    private readonly tokens: TokenService,
  ) {}

  private actor(req: Request) {
    const header = req.headers.authorization;
    return header?.startsWith('Bearer ') ? this.tokens.verify(header.slice(7).trim()) : null;
  }

  @Post()
  async upload(@Req() req: Request, @Res() res: Response): Promise<void> {
    try {
      const body: unknown = req.body;
      const stored = await this.photos.store(this.actor(req), Buffer.isBuffer(body) ? body : undefined);
      res.status(201).json(stored);
    } catch (error) {
      sendError(res, error);
    }
  }

  @Get(':id')
  async read(@Param('id') id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    try {
      const photo = await this.photos.read(this.actor(req), id);
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
