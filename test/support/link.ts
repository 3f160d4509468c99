// Test support: a TCP relay in front of a server that can be cut and restored, so a client sees a real network
// failure (connection refused/reset) while "offline" and the real server again once back online.
import { createServer, connect, type Server, type Socket } from 'node:net';

export class Link {
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}
  private up = true;
  private readonly sockets = new Set<Socket>();

  static async to(target: string): Promise<Link> {
    const t = new URL(target);
    let link!: Link;
    const server = createServer((inbound) => {
      if (!link.up) return void inbound.destroy();
      const outbound = connect(Number(t.port), t.hostname);
      for (const s of [inbound, outbound]) {
        link.sockets.add(s);
        s.on('close', () => link.sockets.delete(s));
        s.on('error', () => {
          inbound.destroy();
          outbound.destroy();
        });
      }
      inbound.pipe(outbound).pipe(inbound);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    link = new Link(server, `http://127.0.0.1:${port}`);
    return link;
  }

  /** Cuts every open connection and refuses new ones. */
  down(): void {
    this.up = false;
    for (const s of this.sockets) s.destroy();
  }

  restore(): void {
    this.up = true;
  }

  close(): Promise<void> {
    this.down();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
