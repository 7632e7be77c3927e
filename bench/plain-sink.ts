// The baseline for bench/ingest.ts: a plain Node HTTP server that pipes each request body to a new file.
// Started as a child process; tells its parent its port over IPC. SINK_DIR says where to write.
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

const dir = process.env.SINK_DIR;
if (dir === undefined) throw new Error('SINK_DIR must be set');
let n = 0;
const server = createServer((req, res) => {
  pipeline(req, createWriteStream(join(dir, String(n++)))).then(
    () => res.writeHead(201).end(),
    () => res.destroy(),
  );
});
server.listen(0, '127.0.0.1', () => {
  process.send?.({ type: 'listening', port: (server.address() as AddressInfo).port });
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
process.on('disconnect', () => process.exit(0));
