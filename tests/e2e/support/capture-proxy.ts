// A loopback HTTP proxy between the browser and the server under test: it records every request body
// byte for byte (what actually went over the wire) and can cut a connection in the middle of an upload.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Captured {
  method: string;
  path: string;
  body: Buffer;
  /** The server's answer, if one came back. */
  status?: number;
}

export interface CaptureProxy {
  url: string;
  captured: Captured[];
  /** Cut the next PUT whose path matches after `afterBytes` of its body have passed. */
  cutNextPut(match: RegExp, afterBytes: number): Promise<void>;
  /** Hold the next PUT whose path matches before forwarding it; `reached` resolves when it arrives. */
  holdNextPut(match: RegExp): Hold;
  close(): Promise<void>;
}

export interface Hold {
  reached: Promise<void>;
  /** Drop the held request as a failed network would. */
  drop(): void;
}

export async function startCaptureProxy(target: string): Promise<CaptureProxy> {
  const upstream = new URL(target);
  const captured: Captured[] = [];
  let cut: { match: RegExp; afterBytes: number; done: () => void } | undefined;
  let hold: { match: RegExp; arrived: () => void; drop: () => void } | undefined;
  const server: Server = createServer((req, res) => {
    if (hold !== undefined && req.method === 'PUT' && hold.match.test(req.url ?? '')) {
      const h = hold;
      hold = undefined;
      captured.push({ method: req.method, path: req.url ?? '', body: Buffer.alloc(0) });
      h.drop = () => req.socket.destroy();
      h.arrived();
      return;
    }
    const chunks: Buffer[] = [];
    const entry: Captured = { method: req.method ?? '', path: req.url ?? '', body: Buffer.alloc(0) };
    captured.push(entry);
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (up) => {
        entry.status = up.statusCode;
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    let seen = 0;
    const mine = cut !== undefined && req.method === 'PUT' && cut.match.test(req.url ?? '') ? cut : undefined;
    if (mine !== undefined) cut = undefined;
    req.on('data', (chunk: Buffer) => {
      seen += chunk.length;
      chunks.push(chunk);
      entry.body = Buffer.concat(chunks);
      if (mine !== undefined && seen >= mine.afterBytes) {
        // The network drops: the browser loses the connection, the server sees a body that ends short.
        forward.destroy();
        req.socket.destroy();
        mine.done();
        return;
      }
      forward.write(chunk);
    });
    req.on('end', () => forward.end());
    req.on('error', () => forward.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    captured,
    cutNextPut: (match, afterBytes) =>
      new Promise<void>((resolve) => {
        cut = { match, afterBytes, done: resolve };
      }),
    holdNextPut: (match) => {
      const h: { match: RegExp; arrived: () => void; drop: () => void } = {
        match,
        arrived: () => {},
        drop: () => {},
      };
      const reached = new Promise<void>((resolve) => {
        h.arrived = resolve;
      });
      hold = h;
      return { reached, drop: () => h.drop() };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
