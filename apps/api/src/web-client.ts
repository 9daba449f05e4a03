import type { INestApplication } from '@nestjs/common';
import express, { type NextFunction, type Request, type Response } from 'express';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MAX_PHOTO_BYTES } from '../../../libs/files/src/photo.service.js';

/** Paths the browser app must never answer for (the API's own). */
export const API_PATHS = /^\/(graphql|health|metrics|exports|ocds|uploads)(\/|$)/;

/** The built browser client (dist/web under the project root), or null when it was not built. */
export function webClientDirectory(from = fileURLToPath(import.meta.url)): string | null {
  let directory = dirname(from);
  while (!existsSync(join(directory, 'package.json'))) {
    const parent = dirname(directory);
    if (parent === directory) return null;
    directory = parent;
  }
  const web = join(directory, 'dist', 'web');
  return existsSync(join(web, 'index.html')) ? web : null;
}

/**
 * Serves the browser app at `/` with a fallback to index.html for its routes (/masuk,
 * /dapur/...), never for the API's paths; hashed assets are cached for a year, the HTML and the
 * service worker never. Also reads photo uploads as raw bytes, with a size limit.
 */
export function mountWebClient(app: INestApplication, directory: string | null): void {
  const raw = express.raw({ type: () => true, limit: MAX_PHOTO_BYTES });
  app.use('/uploads/photos', (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'POST') return next();
    raw(req, res, (error?: unknown) => {
      if (!error) return next();
      const tooLarge = (error as { type?: string }).type === 'entity.too.large';
      const messages = tooLarge
        ? { en: 'The photo is larger than 5 MB', id: 'Foto lebih besar dari 5 MB' }
        : { en: 'The photo could not be read', id: 'Foto tidak dapat dibaca' };
      res.status(tooLarge ? 413 : 400).json({ code: 'BAD_USER_INPUT', message: messages.en, messages });
    });
  });
  if (!directory) return;
  const index = join(directory, 'index.html');
  app.use(
    express.static(directory, {
      index: false,
      setHeaders: (res, path) => {
        res.setHeader(
          'cache-control',
          path.includes(`${join(directory, 'assets')}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    }),
  );
  app.use((req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || API_PATHS.test(req.path) || !req.accepts('html'))
      return next();
    if (/\.[a-z0-9]+$/i.test(req.path)) return next();
    res.setHeader('cache-control', 'no-cache');
    res.sendFile(index);
  });
}
