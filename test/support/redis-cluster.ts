import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Why a Redis Cluster cannot be started here (no redis-server/redis-cli), or null when it can. */
export function redisClusterUnavailable(): string | null {
  for (const binary of ['redis-server', 'redis-cli']) {
    const found = spawnSync(binary, ['--version'], { stdio: 'ignore' });
    if (found.error || found.status !== 0) return `${binary} is not installed (apt-get install redis-server)`;
  }
  return null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function redisCli(args: string[]): string {
  const result = spawnSync('redis-cli', args, { encoding: 'utf8', timeout: 30_000 });
  if (result.status !== 0) throw new Error(`redis-cli ${args.join(' ')}: ${result.stderr || result.stdout}`);
  return result.stdout;
}

export interface LocalRedisCluster {
  /** host:port of every master, as REDIS_CLUSTER_NODES takes them. */
  nodes: string;
  ports: number[];
  stop(): Promise<void>;
}

/**
 * Starts `masters` local Redis masters on ephemeral ports (client and cluster-bus ports both
 * chosen free, in a temporary directory, nothing saved), joins them into a cluster with
 * `redis-cli --cluster create … --cluster-replicas 0`, and waits until every node says
 * cluster_state:ok. stop() shuts them down and removes the directory.
 */
export async function startRedisCluster(masters = 3): Promise<LocalRedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'pgz-redis-cluster-'));
  const processes: ChildProcess[] = [];
  const ports: number[] = [];
  const stop = async () => {
    await Promise.all(
      processes.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 5000).unref();
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < masters; i++) {
      const port = await freePort();
      let busPort = await freePort();
      while (busPort === port) busPort = await freePort();
      // prettier-ignore
      const child = spawn('redis-server', [
        '--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes',
        '--cluster-port', String(busPort), '--cluster-config-file', `nodes-${port}.conf`,
        '--cluster-node-timeout', '5000', '--dir', dir, '--save', '', '--appendonly', 'no',
        '--daemonize', 'no', '--protected-mode', 'no',
      ], { stdio: ['ignore', 'ignore', 'pipe'] });
      processes.push(child);
      ports.push(port);
    }
    for (const port of ports) await until(() => ping(port), `redis-server on ${port} to answer`);
    redisCli([
      '--cluster',
      'create',
      ...ports.map((port) => `127.0.0.1:${port}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    for (const port of ports)
      await until(
        () => /cluster_state:ok/.test(redisCli(['-p', String(port), 'cluster', 'info'])),
        `node ${port} to report cluster_state:ok`,
      );
    return { nodes: ports.map((port) => `127.0.0.1:${port}`).join(','), ports, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function ping(port: number): boolean {
  return spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout?.trim() === 'PONG';
}

async function until(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (check()) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
