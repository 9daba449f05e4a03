import type { Writable } from 'node:stream';

/** The client went away mid-download: stop reading rows. */
export class DownloadAbortedError extends Error {
  constructor() {
    super('The client closed the connection during the download');
  }
}

/** Resolves when the stream wants more, rejects if it closes first (a client that hung up). */
export function drained(out: Writable): Promise<void> {
  if (out.destroyed) return Promise.reject(new DownloadAbortedError());
  if (!out.writableNeedDrain) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const onDrain = () => {
      out.off('close', onClose);
      resolve();
    };
    const onClose = () => {
      out.off('drain', onDrain);
      reject(new DownloadAbortedError());
    };
    out.once('drain', onDrain);
    out.once('close', onClose);
  });
}
