import type { Writable } from 'node:stream';

/** The client went away mid-download: stop reading rows. */
export class DownloadAbortedError extends Error {
  constructor(reason = 'The client closed the connection during the download') {
    super(reason);
  }
}

/** A client that reads nothing for this long is cut off: it holds a database connection. */
export const STALLED_DOWNLOAD_MS = 120_000;

/**
 * Resolves when the stream wants more; rejects if it closes first (a client that hung up) or
 * stays full for STALLED_DOWNLOAD_MS (a client that stopped reading).
 */
export function drained(out: Writable, stalledMs = STALLED_DOWNLOAD_MS): Promise<void> {
  if (out.destroyed) return Promise.reject(new DownloadAbortedError());
  if (!out.writableNeedDrain) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      out.off('drain', onDrain);
      out.off('close', onClose);
    };
    const onDrain = () => {
      done();
      resolve();
    };
    const onClose = () => {
      done();
      reject(new DownloadAbortedError());
    };
    const timer = setTimeout(() => {
      done();
      reject(new DownloadAbortedError(`The client read nothing for ${stalledMs} ms`));
    }, stalledMs);
    out.once('drain', onDrain);
    out.once('close', onClose);
  });
}
