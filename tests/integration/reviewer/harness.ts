// Real parts for the reviewer API tests: the worker fixture (Redis under a unique prefix, fs blob
// store, keys from initKeys), reviewers with real X25519 + Ed25519 key pairs on a roster signed with
// the real org key (keys/ functions), submissions processed by the real worker pipeline, and the real
// Express app on port 0 with the reviewer router mounted.
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { fromBase64, toBase64 } from '../../../core/base64.js';
import { toHex } from '../../../core/bytes.js';
import { loginMessage } from '../../../core/contracts/reviewer.js';
import { fingerprint } from '../../../core/fingerprint.js';
import { type Roster, signRoster } from '../../../core/roster.js';
import { loadOrgSigningKey } from '../../../keys/load-keys.js';
import { addReviewer, EMPTY_ROSTER, removeReviewer } from '../../../keys/roster-edit.js';
import { loadRoster, saveRoster } from '../../../keys/roster-store.js';
import { createLogger } from '../../../runtime/logger.js';
import { redisRosterHighWater } from '../../../runtime/roster-high-water.js';
import { createApp } from '../../../server/app.js';
import { rosterFileReader } from '../../../server/reviewer/roster.js';
import type { ReviewerDeps } from '../../../server/reviewer/router.js';
import { processSubmission } from '../../../worker/pipeline.js';
import { createFixture, type Fixture } from '../worker/harness.js';

export interface TestReviewer {
  name: string;
  x25519PublicKey: Uint8Array;
  x25519SecretKey: Uint8Array;
  ed25519PublicKey: Uint8Array;
  ed25519SecretKey: Uint8Array;
  /** fingerprint of the Ed25519 key: what logins name. */
  signingFingerprint: string;
  /** fingerprint of the X25519 key: what records list. */
  sealingFingerprint: string;
}

export interface App {
  base: string;
  logLines: string[];
  close(): Promise<void>;
}

export const utf8 = (s: string) => new TextEncoder().encode(s);

export async function smallJpeg(): Promise<Uint8Array> {
  const bytes = await sharp({
    create: { width: 48, height: 32, channels: 3, background: { r: 180, g: 30, b: 60 } },
  })
    .jpeg()
    .toBuffer();
  return new Uint8Array(bytes);
}

export class ReviewerHarness {
  private apps: App[] = [];
  private constructor(readonly fixture: Fixture) {}

  static async create(): Promise<ReviewerHarness> {
    return new ReviewerHarness(await createFixture({ roster: false }));
  }

  get redis() {
    return this.fixture.redis;
  }
  get keyPrefix() {
    return `${this.fixture.prefix}reviewer:`;
  }

  newReviewer(name: string): TestReviewer {
    const { sodium } = this.fixture;
    const box = sodium.crypto_box_keypair();
    const sign = sodium.crypto_sign_keypair();
    return {
      name,
      x25519PublicKey: box.publicKey,
      x25519SecretKey: box.privateKey,
      ed25519PublicKey: sign.publicKey,
      ed25519SecretKey: sign.privateKey,
      signingFingerprint: toHex(fingerprint(sodium, sign.publicKey)),
      sealingFingerprint: toHex(fingerprint(sodium, box.publicKey)),
    };
  }

  private async changeRoster(change: (roster: Roster) => Roster): Promise<void> {
    const { sodium, keysDir, keys } = this.fixture;
    const org = await loadOrgSigningKey(sodium, keysDir);
    const current = await loadRoster(sodium, keysDir, keys.orgPublicKey).catch(() => EMPTY_ROSTER);
    await saveRoster(keysDir, signRoster(sodium, change(current), org.secretKey));
  }

  async add(reviewer: TestReviewer): Promise<void> {
    await this.changeRoster((r) => addReviewer(this.fixture.sodium, r, reviewer.name, reviewer, new Date()));
  }

  async remove(reviewer: TestReviewer): Promise<void> {
    await this.changeRoster((r) => removeReviewer(r, reviewer.name, new Date()));
  }

  /** Stores a submission as the intake would and runs the real worker pipeline on it. */
  async process(files: { bytes: Uint8Array; manifest: { name: string; type: string } }[]): Promise<string> {
    const id = await this.fixture.submit(files);
    await processSubmission(this.fixture.deps(), id, `job-${id}`);
    return id;
  }

  async start(overrides: Partial<ReviewerDeps> = {}): Promise<App> {
    const { sodium, keysDir, keys, store, redis, prefix } = this.fixture;
    const logLines: string[] = [];
    const logger = createLogger({ level: 'debug', component: 'server', sink: (l) => logLines.push(l) });
    const reviewer: ReviewerDeps = {
      redis,
      store,
      logger: logger.child('reviewer'),
      sodium,
      orgPublicKey: keys.orgPublicKey,
      readRoster: rosterFileReader(keysDir),
      highWater: redisRosterHighWater(redis, `${prefix}roster:seen`),
      keyPrefix: this.keyPrefix,
      ...overrides,
    };
    const app = createApp({
      health: async () => ({ status: 'ok', server: 'ok', redis: 'ok', queue: null }),
      logger,
      webRoot: this.fixture.dir,
      trustProxy: false,
      reviewer,
    });
    const server: Server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const instance: App = {
      base: `http://127.0.0.1:${port}/api/reviewer`,
      logLines,
      close: async () => {
        server.closeAllConnections();
        await new Promise<void>((done) => server.close(() => done()));
      },
    };
    this.apps.push(instance);
    return instance;
  }

  async close(): Promise<void> {
    for (const app of this.apps) await app.close();
    await this.fixture.close();
  }
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

export async function challenge(app: App, fp: string): Promise<{ nonce: string; expiresAt: string }> {
  const res = await postJson(`${app.base}/challenge`, { fingerprint: fp });
  if (res.status !== 200) throw new Error(`challenge: ${res.status}`);
  return (await res.json()) as { nonce: string; expiresAt: string };
}

/** A login body signed by `signer` (default: the reviewer's own key). */
export function signedLogin(
  harness: ReviewerHarness,
  who: TestReviewer,
  nonce: string,
  signer: Uint8Array = who.ed25519SecretKey,
) {
  const { sodium } = harness.fixture;
  const signature = sodium.crypto_sign_detached(loginMessage(fromBase64(nonce)), signer);
  return { fingerprint: who.signingFingerprint, nonce, signature: toBase64(signature) };
}

/** Challenge + login; returns the token. */
export async function login(harness: ReviewerHarness, app: App, who: TestReviewer): Promise<string> {
  const { nonce } = await challenge(app, who.signingFingerprint);
  const res = await postJson(`${app.base}/login`, signedLogin(harness, who, nonce));
  if (res.status !== 200) throw new Error(`login: ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
