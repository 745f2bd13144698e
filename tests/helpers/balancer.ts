/**
 * A load balancer for fault tests: a TCP proxy on loopback in front of some server nodes. Each new
 * connection goes to the first node in the list that accepts it, so a client keeps its node while
 * it lives and lands on the next one once it is gone (killed, or no longer listening while it
 * drains). Nothing is sticky beyond that, as with WebSocket-only transport behind a plain balancer.
 */
import { connect, createServer, type Socket } from 'node:net';

export interface Balancer {
  url: string;
  /** How many client connections went to each node URL. */
  routed: Map<string, number>;
  close(): Promise<void>;
}

export async function startBalancer(nodeUrls: string[]): Promise<Balancer> {
  const routed = new Map<string, number>();
  const open = new Set<Socket>();
  const server = createServer((client) => {
    open.add(client);
    client.once('close', () => open.delete(client));
    client.on('error', () => client.destroy());
    client.pause();
    const tryNode = (i: number) => {
      const target = nodeUrls[i];
      if (!target || client.destroyed) {
        client.destroy();
        return;
      }
      const { hostname, port } = new URL(target);
      const upstream = connect(Number(port), hostname);
      let relaying = false;
      upstream.on('error', () => {
        // Refused before anything was relayed: this node is gone, try the next one.
        if (!relaying) tryNode(i + 1);
        else client.destroy();
      });
      upstream.once('connect', () => {
        relaying = true;
        routed.set(target, (routed.get(target) ?? 0) + 1);
        open.add(upstream);
        upstream.once('close', () => {
          open.delete(upstream);
          client.destroy();
        });
        client.once('close', () => upstream.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
    };
    tryNode(0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    routed,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}
