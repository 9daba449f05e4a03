/**
 * The API or the worker as a real child process (node running the TypeScript sources through
 * ts-register.mjs, as in production but unbuilt), for tests that need signals, exit codes and
 * a process of its own: the chaos suite.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = process.cwd();
const REGISTER = pathToFileURL(join(ROOT, 'test', 'support', 'ts-register.mjs')).href;

export interface ChildApp {
  readonly process: ChildProcess;
  /** Everything it printed so far (JSON log lines). */
  readonly output: string[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends SIGTERM and resolves with the exit and how long it took. */
  terminate(): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
  /** SIGKILL if still running (cleanup). */
  kill(): Promise<void>;
}

/** A port nobody listens on right now (the OS picks it; small race, fine for tests). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A TCP server that accepts connections and never answers: a Redis that hangs. */
export async function blackHole(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Starts `apps/<kind>/src/main.ts` with `env` on top of ours and waits for its "ready" line. */
export async function startChildApp(
  kind: 'api' | 'worker',
  env: Record<string, string>,
  readyTimeoutMs = 240_000,
): Promise<ChildApp> {
  const child = spawn(process.execPath, ['--import', REGISTER, join('apps', kind, 'src', 'main.ts')], {
    cwd: ROOT,
    env: { ...process.env, NODE_OPTIONS: '', NODE_ENV: 'test', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let onLine: (line: string) => void = () => undefined;
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line.trim()) continue;
      output.push(line);
      if (process.env.E2E_LOG) process.stdout.write(`[${kind} ${child.pid}] ${line}\n`);
      onLine(line);
    }
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${kind} not ready within ${readyTimeoutMs} ms:\n${output.join('\n')}`)),
      readyTimeoutMs,
    );
    onLine = (line) => {
      if (/Pasar Gizi (API|worker) ready/.test(line)) {
        clearTimeout(timer);
        resolve();
      }
    };
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${kind} exited (${signal ?? code}) before it was ready:\n${output.join('\n')}`));
    });
  });
  const app: ChildApp = {
    process: child,
    output,
    exited,
    async terminate() {
      const started = Date.now();
      child.kill('SIGTERM');
      const result = await exited;
      return { ...result, ms: Date.now() - started };
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
  try {
    await ready;
  } catch (error) {
    await app.kill();
    throw error;
  }
  return app;
}
