/**
 * Test helpers for anything that fetches: a real HTTP server on 127.0.0.1, and a tripwire that
 * makes sure no socket in this test process ever connects anywhere but loopback.
 */
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>;

export interface LoopbackServer {
  port: number;
  /** http://<host>:<port><path> */
  url(path: string, host?: string): string;
  route(path: string, handler: Handler): void;
  /** Paths requested so far, in order. */
  hits: string[];
  close(): Promise<void>;
}

export async function startLoopbackServer(): Promise<LoopbackServer> {
  const routes = new Map<string, Handler>();
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    hits.push(path);
    const handler = routes.get(path);
    if (!handler) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not here');
      return;
    }
    Promise.resolve(handler(req, res)).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    hits,
    url: (path, host = 'images.test') => `http://${host}:${port}${path}`,
    route: (path, handler) => routes.set(path, handler),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const isLoopback = (address: string): boolean =>
  /^127\./.test(address) || address === '::1' || /^::ffff:127\./i.test(address);

/**
 * Wraps net.Socket#connect for the rest of this test process: a connection to a literal
 * address that is not loopback, or a lookup answer that is not all loopback, fails with
 * "TRIPWIRE" instead of leaving the machine. `fired` lists what was stopped.
 */
export function installLoopbackTripwire(): { fired: string[]; uninstall(): void } {
  const fired: string[] = [];
  const proto = net.Socket.prototype as unknown as { connect: (...args: unknown[]) => unknown };
  const original = proto.connect;
  proto.connect = function patched(this: net.Socket, ...args: unknown[]) {
    const first = args[0];
    const options = (Array.isArray(first) ? first[0] : first) as net.TcpNetConnectOpts | undefined;
    if (options && typeof options === 'object' && typeof options.port !== 'undefined') {
      const host = options.host ?? 'localhost';
      if (net.isIP(host) && !isLoopback(host)) {
        fired.push(host);
        throw new Error(`TRIPWIRE: connect to ${host}`);
      }
      const lookup = options.lookup;
      if (lookup) {
        options.lookup = ((hostname: string, lookupOptions: object, callback: (...a: unknown[]) => void) =>
          lookup(
            hostname,
            lookupOptions as never,
            ((err: Error | null, address: unknown, family?: number) => {
              if (!err) {
                const list = Array.isArray(address)
                  ? (address as { address: string }[]).map((a) => a.address)
                  : [address as string];
                const outside = list.filter((a) => !isLoopback(a));
                if (outside.length > 0) {
                  fired.push(...outside);
                  callback(new Error(`TRIPWIRE: ${hostname} → ${outside.join(', ')}`));
                  return;
                }
              }
              callback(err, address, family);
            }) as never,
          )) as never;
      }
    }
    return original.apply(this, args);
  };
  return {
    fired,
    uninstall() {
      proto.connect = original;
    },
  };
}
