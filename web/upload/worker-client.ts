// Promise wrapper around the encryption Web Worker (web/encrypt-worker.ts).
import type { ManifestInput } from '../../core/envelope/index.js';
import type {
  InitResult,
  OpenResult,
  PartResult,
  SavedEnvelope,
  WorkerRequest,
  WorkerResponse,
} from '../shared/protocol.js';

/** The worker failed (could not encrypt, or could not read the file again). */
export class EncryptError extends Error {
  readonly code: string;
  constructor(code: string) {
    super('encryption failed');
    this.name = 'EncryptError';
    this.code = code;
  }
}

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };
type Body<R> = R extends unknown ? Omit<R, 'id'> : never;

export class EncryptWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(url: URL) {
    this.worker = new Worker(url, { type: 'module', name: 'encrypt' });
    this.worker.onmessage = (event: MessageEvent<WorkerResponse>) => {
      const msg = event.data;
      const p = this.pending.get(msg.id);
      if (p === undefined) return;
      this.pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new EncryptError(msg.code));
    };
    this.worker.onerror = () => {
      for (const p of this.pending.values()) p.reject(new EncryptError('WORKER_CRASHED'));
      this.pending.clear();
    };
  }

  private call<T>(body: Body<WorkerRequest>): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ ...body, id } as WorkerRequest);
    });
  }

  init(publicKey: Uint8Array): Promise<InitResult> {
    return this.call({ op: 'init', publicKey });
  }
  open(key: number, blob: Blob, manifest: ManifestInput): Promise<OpenResult> {
    return this.call({ op: 'open', key, blob, manifest });
  }
  restore(key: number, blob: Blob, saved: SavedEnvelope): Promise<OpenResult> {
    return this.call({ op: 'restore', key, blob, saved });
  }
  part(key: number, partBytes: number, part: number): Promise<PartResult> {
    return this.call({ op: 'part', key, partBytes, part });
  }
  close(key: number): Promise<null> {
    return this.call({ op: 'close', key });
  }
}
