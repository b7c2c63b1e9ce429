import net from 'node:net';

/**
 * A TCP proxy in front of PostgreSQL that the test controls, to take the database away without touching
 * the shared server: `cut()` is a server that went away (connections reset, new ones refused),
 * `blackhole()` a network that silently drops everything (connections accepted, nothing ever arrives),
 * `restore()` brings it back on the same port.
 */
export class TcpProxy {
  private server: net.Server | null = null;
  private sockets = new Set<net.Socket>();
  private holding = false;
  port = 0;

  constructor(
    private targetHost: string,
    private targetPort: number,
  ) {}

  async start(): Promise<number> {
    this.server = net.createServer((client) => this.connect(client));
    await new Promise<void>((r) => this.server!.listen(this.port, '127.0.0.1', r));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this.port;
  }

  private connect(client: net.Socket) {
    this.sockets.add(client);
    client.on('close', () => this.sockets.delete(client));
    client.on('error', () => {});
    if (this.holding) return; // accepted, never forwarded
    const upstream = net.connect(this.targetPort, this.targetHost);
    this.sockets.add(upstream);
    upstream.on('close', () => {
      this.sockets.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    client.on('data', (d) => !this.holding && upstream.write(d));
    upstream.on('data', (d) => !this.holding && client.write(d));
  }

  private async stopListening() {
    const server = this.server;
    this.server = null;
    if (server) await new Promise((r) => server.close(r));
  }

  async cut() {
    await new Promise<void>((r) => {
      const server = this.server;
      this.server = null;
      server?.close(() => r());
      for (const s of this.sockets) s.destroy();
      if (!server) r();
    });
  }

  blackhole() {
    this.holding = true;
  }

  /** Cut or black-holed, and not yet restored. */
  get down() {
    return this.holding || !this.server;
  }

  async restore() {
    this.holding = false;
    for (const s of this.sockets) s.destroy();
    if (!this.server) await this.start();
  }

  async close() {
    await this.stopListening();
    for (const s of this.sockets) s.destroy();
  }
}
