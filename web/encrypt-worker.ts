// The encryption Web Worker: holds the intake key and one small plan per envelope, and produces any
// requested part of an envelope by reading the plaintext from the File (File.slice) and encrypting it.
// Runs off the main thread so the page stays responsive.
import { toHex } from '../core/bytes.js';
import { createEnvelope, type EnvelopePlan, restoreEnvelope } from '../core/envelope/index.js';
import { fingerprint } from '../core/fingerprint.js';
import { readySodium, type Sodium } from '../core/sodium.js';
import type { OpenResult, PartResult, WorkerRequest, WorkerResponse } from './shared/protocol.js';
import { FileChangedError, producePart } from './upload/produce.js';

interface Opened {
  plan: EnvelopePlan;
  blob: Blob;
}

const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(message: WorkerResponse, transfer?: Transferable[]): void;
};

let sodium: Sodium | undefined;
let intakeKey: Uint8Array | undefined;
const opened = new Map<number, Opened>();

function base64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

async function digestOf(bytes: Uint8Array): Promise<string | undefined> {
  if (globalThis.crypto?.subtle === undefined) return undefined;
  return base64(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)));
}

function ready(): { sodium: Sodium; key: Uint8Array } {
  if (sodium === undefined || intakeKey === undefined) throw new Error('worker not initialised');
  return { sodium, key: intakeKey };
}

function openedFor(key: number): Opened {
  const o = opened.get(key);
  if (o === undefined) throw new Error('unknown envelope');
  return o;
}

async function handle(req: WorkerRequest): Promise<{ result: WorkerResponse; transfer: Transferable[] }> {
  switch (req.op) {
    case 'init': {
      sodium = await readySodium();
      if (req.publicKey.length !== sodium.crypto_box_PUBLICKEYBYTES) throw new Error('bad intake key');
      intakeKey = req.publicKey.slice();
      return {
        result: { id: req.id, ok: true, result: { fingerprint: toHex(fingerprint(sodium, intakeKey)) } },
        transfer: [],
      };
    }
    case 'open':
    case 'restore': {
      const { sodium: s, key } = ready();
      const plan =
        req.op === 'open'
          ? createEnvelope(s, { recipients: [{ x25519PublicKey: key }], manifest: req.manifest })
          : restoreEnvelope(s, req.saved);
      if (plan.size !== req.blob.size) throw new FileChangedError();
      opened.set(req.key, { plan, blob: req.blob });
      const result: OpenResult = {
        saved: { fileKey: plan.fileKey, header: plan.header, manifest: plan.manifest },
        length: plan.length,
      };
      return { result: { id: req.id, ok: true, result }, transfer: [] };
    }
    case 'part': {
      const { plan, blob } = openedFor(req.key);
      const bytes = await producePart(plan, req.partBytes, req.part, async (start, end) => {
        try {
          return new Uint8Array(await blob.slice(start, end).arrayBuffer());
        } catch {
          throw new FileChangedError();
        }
      });
      const result: PartResult = { bytes };
      const digest = await digestOf(bytes);
      if (digest !== undefined) result.digest = digest;
      return { result: { id: req.id, ok: true, result }, transfer: [bytes.buffer] };
    }
    case 'close': {
      const o = opened.get(req.key);
      if (o !== undefined) o.plan.fileKey.fill(0);
      opened.delete(req.key);
      return { result: { id: req.id, ok: true, result: null }, transfer: [] };
    }
  }
}

scope.onmessage = (event) => {
  const req = event.data;
  handle(req).then(
    ({ result, transfer }) => scope.postMessage(result, transfer),
    (error: unknown) => {
      const maybe = (error as { code?: unknown } | null)?.code;
      const code = typeof maybe === 'string' ? maybe : 'ENCRYPT_FAILED';
      scope.postMessage({ id: req.id, ok: false, code });
    },
  );
};
