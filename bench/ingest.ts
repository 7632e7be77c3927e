// Server ingest next to a plain Node HTTP-to-disk copy, measured in the same run: the same parts PUT
// sequentially over loopback to (1) a bare `http` server piping each body to a file, (2) the real Kuä
// server (Express, Redis record lookups, streaming limits, temp file + fsync + link). Both run as child
// processes; their peak RSS (VmHWM) is read from /proc. The bodies need not be valid envelopes: only
// finalize looks inside them.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initKeys } from '../keys/init.js';
import { type ManagedChild, startNodeChild, waitForMessage } from '../runtime/children.js';
import { type PrivateRedis, startPrivateRedis } from '../runtime/redis-launcher.js';
import { parseVmHwmKiB } from './support/vm-hwm.js';

export interface IngestBenchOptions {
  /** Upload size in bytes (one file). */
  bytes: number;
  partBytes?: number;
  /** Use this Redis; otherwise a private redis-server is started for the run. */
  redisUrl?: string;
  log: (line: string) => void;
}

export interface IngestBenchResult {
  plainMBps: number;
  serverMBps: number;
  /** serverMBps / plainMBps (1.00 = as fast as the plain copy). */
  ratio: number;
  serverPeakRssMiB: number;
  plainPeakRssMiB: number;
}

/** The 200 MB bar of issue 4 for the server's peak RSS during a 2 GiB upload. */
export const SERVER_RSS_LIMIT_MB = 200;

const MB = 1_000_000;
const distDir = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The child must still be running: reading a gone process's status throws. */
function peakRssMiB(pid: number): number {
  const kib = parseVmHwmKiB(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return kib === undefined ? Number.NaN : kib / 1024;
}

function send(
  agent: Agent,
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: Uint8Array,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      method,
      path,
      agent,
      headers: { ...headers, 'Content-Length': String(body.length) },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.end(body);
  });
}

async function uploadParts(
  total: number,
  partBytes: number,
  block: Uint8Array,
  put: (part: number, body: Uint8Array) => Promise<void>,
): Promise<number> {
  const started = process.hrtime.bigint();
  for (let part = 0; part * partBytes < total; part++) {
    await put(part, block.subarray(0, Math.min(partBytes, total - part * partBytes)));
  }
  return Number(process.hrtime.bigint() - started) / 1e9;
}

export async function benchIngest(options: IngestBenchOptions): Promise<IngestBenchResult> {
  const { bytes, log } = options;
  const partBytes = options.partBytes ?? 4 * 1024 * 1024;
  const scratch = await mkdtemp(join(tmpdir(), 'kua-bench-ingest-'));
  const block = new Uint8Array(randomBytes(partBytes));
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  let redis: PrivateRedis | undefined;
  const children: ManagedChild[] = [];
  try {
    // 1. The plain copy.
    const sinkDir = join(scratch, 'sink');
    await mkdir(sinkDir);
    const sink = startNodeChild({
      name: 'plain-sink',
      script: join(distDir, 'bench', 'plain-sink.js'),
      env: { ...process.env, SINK_DIR: sinkDir },
    });
    children.push(sink);
    const sinkPort = (await waitForMessage<{ type: 'listening'; port: number }>(sink, 'listening', 10_000))
      .port;
    const plainSeconds = await uploadParts(bytes, partBytes, block, async (part, body) => {
      const res = await send(
        agent,
        sinkPort,
        'PUT',
        `/${part}`,
        { 'Content-Type': 'application/octet-stream' },
        body,
      );
      if (res.status !== 201) throw new Error(`plain sink answered ${res.status}`);
    });
    const plainPeakRssMiB = peakRssMiB(sink.pid);
    await sink.stop(5000);
    await rm(sinkDir, { recursive: true, force: true });
    const plainMBps = bytes / MB / plainSeconds;
    log(
      `  plain Node HTTP → file          ${plainMBps.toFixed(1).padStart(8)} MB/s   peak RSS ${plainPeakRssMiB.toFixed(0)} MiB`,
    );

    // 2. The real server.
    let redisUrl = options.redisUrl;
    if (redisUrl === undefined) {
      redis = await startPrivateRedis({ dataDir: join(scratch, 'redis') });
      redisUrl = redis.url;
    }
    const keysDir = join(scratch, 'keys');
    await initKeys(keysDir);
    const server = startNodeChild({
      name: 'server',
      script: join(distDir, 'server', 'main.js'),
      env: {
        ...process.env,
        REDIS_URL: redisUrl,
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: join(scratch, 'data'),
        KUA_KEYS_DIR: keysDir,
        KUA_WEB_DIR: join(scratch, 'web'),
        LOG_LEVEL: 'warn',
        UPLOAD_PART_BYTES: String(partBytes),
        MAX_FILE_BYTES: String(bytes),
        DISK_RESERVE_BYTES: process.env.DISK_RESERVE_BYTES ?? '0',
      },
    });
    children.push(server);
    const port = (await waitForMessage<{ type: 'listening'; port: number }>(server, 'listening', 30_000))
      .port;
    const created = await send(
      agent,
      port,
      'POST',
      '/api/submissions',
      { 'Content-Type': 'application/json' },
      new TextEncoder().encode(JSON.stringify({ files: [{ bytes }] })),
    );
    if (created.status !== 201) throw new Error(`create answered ${created.status}: ${created.text}`);
    const { id } = JSON.parse(created.text) as { id: string };
    const serverSeconds = await uploadParts(bytes, partBytes, block, async (part, body) => {
      const res = await send(
        agent,
        port,
        'PUT',
        `/api/submissions/${id}/files/0/parts/${part}`,
        { 'Content-Type': 'application/octet-stream' },
        body,
      );
      if (res.status !== 201) throw new Error(`part ${part} answered ${res.status}: ${res.text}`);
    });
    const serverPeakRssMiB = peakRssMiB(server.pid);
    const serverMBps = bytes / MB / serverSeconds;
    log(
      `  Kuä server (PUT parts, fsync)   ${serverMBps.toFixed(1).padStart(8)} MB/s   peak RSS ${serverPeakRssMiB.toFixed(0)} MiB`,
    );
    const ratio = serverMBps / plainMBps;
    log(`  ratio server / plain copy: ${ratio.toFixed(2)}`);
    const verdict = serverPeakRssMiB * 1.048576 < SERVER_RSS_LIMIT_MB ? 'ok' : 'OVER';
    log(
      `  server peak RSS ${(serverPeakRssMiB * 1.048576).toFixed(0)} MB (limit ${SERVER_RSS_LIMIT_MB} MB): ${verdict}`,
    );
    return { plainMBps, serverMBps, ratio, serverPeakRssMiB, plainPeakRssMiB };
  } finally {
    agent.destroy();
    for (const child of children.reverse()) await child.stop(10_000);
    await redis?.stop();
    await rm(scratch, { recursive: true, force: true });
  }
}

// `node dist/bench/ingest.js` runs this benchmark alone; KUA_BENCH_INGEST_MIB sets the size (default 2048).
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const mib = Number(process.env.KUA_BENCH_INGEST_MIB ?? '2048');
  if (!Number.isInteger(mib) || mib < 1) {
    process.stderr.write('bench: KUA_BENCH_INGEST_MIB must be a positive integer\n');
    process.exit(2);
  }
  const log = (line: string) => process.stdout.write(`${line}\n`);
  log(`ingest: ${mib} MiB upload in 4 MiB parts over loopback (node ${process.version})`);
  const result = await benchIngest({ bytes: mib * 1024 * 1024, redisUrl: process.env.REDIS_URL, log });
  process.exit(result.serverPeakRssMiB * 1.048576 < SERVER_RSS_LIMIT_MB ? 0 : 1);
}
