/**
 * On SIGTERM or SIGINT: stop taking work, close (`close`), exit 0; if closing fails, reports
 * an unclean stop (resolves false) or takes longer than `timeoutMs`, exit 1, so an orchestrator
 * never waits on a process stuck behind an unresponsive Redis or database, and sees that it
 * was. A second signal exits at once (1).
 */
export function exitOnSignals(options: {
  close: () => Promise<void | boolean>;
  timeoutMs: number;
  /** Runs first, synchronously (e.g. stop Redis reconnects). */
  beforeClose?: () => void;
  log: (level: 'info' | 'error', message: string) => void;
}): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      options.log('error', `${signal} again while stopping: exiting now`);
      process.exit(1);
    }
    stopping = true;
    options.log('info', `${signal}: stopping (at most ${options.timeoutMs} ms)`);
    options.beforeClose?.();
    const deadline = setTimeout(() => {
      options.log('error', `did not stop within ${options.timeoutMs} ms: exiting anyway`);
      process.exit(1);
    }, options.timeoutMs);
    options.close().then(
      (clean) => {
        clearTimeout(deadline);
        if (clean === false) {
          options.log('error', 'stopped, but not cleanly (see above)');
          process.exit(1);
        }
        options.log('info', 'stopped');
        process.exit(0);
      },
      (error: unknown) => {
        clearTimeout(deadline);
        options.log('error', `stopping failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
