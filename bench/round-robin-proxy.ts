import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface RoundRobinProxy {
  port: number;
  /** Connections handed to each backend so far, in backend order. */
  connections: number[];
  close(): Promise<void>;
}

/**
 * One address in front of several API processes: a TCP proxy on loopback that hands each new
 * connection to the next backend in turn (as a load balancer without stickiness would). HTTP
 * keep-alive means a connection's requests all reach one backend; many clients means many
 * connections, so the load spreads.
 */
export async function startRoundRobinProxy(backendPorts: number[]): Promise<RoundRobinProxy> {
  const connections = backendPorts.map(() => 0);
  const sockets = new Set<Socket>();
  let next = 0;
  const server: Server = createServer((client) => {
    const index = next++ % backendPorts.length;
    connections[index]!++;
    const upstream = createConnection({ host: '127.0.0.1', port: backendPorts[index]! });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    connections,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
