// The upload loop against an in-memory server: sends only missing parts, retries after a dropped
// connection without re-sending a part that arrived, waits while offline, re-sends parts the server lost
// before finalize, and stops on a refusal a retry cannot fix.
import { describe, expect, it } from '@jest/globals';
import { ApiError, NetworkError, type SubmissionStatus } from '../../../web/upload/api-types.js';
import { type UploadDeps, type UploadPhase, upload } from '../../../web/upload/uploader.js';

const ID = 'a'.repeat(32);
const PART = 10;

function server(sizes: number[]) {
  const stored = sizes.map(() => new Set<number>());
  const puts: string[] = [];
  let closed = false;
  let failNext: ((index: number, part: number) => Error | 'arrive-then-drop' | undefined) | undefined;
  const status = async (): Promise<SubmissionStatus> => ({
    id: ID,
    state: closed ? 'queued' : 'uploading',
    files: sizes.map((bytes, index) => ({
      index,
      bytes,
      parts: Math.ceil(bytes / PART),
      received: [...(stored[index] as Set<number>)].sort((a, b) => a - b),
    })),
  });
  return {
    stored,
    puts,
    setFail(f: typeof failNext) {
      failNext = f;
    },
    close() {
      closed = true;
    },
    api: {
      status,
      putPart: async (
        _id: string,
        index: number,
        part: number,
        bytes: Uint8Array,
        _d: unknown,
        onSent: (n: number) => void,
      ) => {
        puts.push(`${index}/${part}`);
        const failure = failNext?.(index, part);
        if (failure === 'arrive-then-drop') {
          failNext = undefined;
          stored[index]?.add(part);
          throw new NetworkError();
        }
        if (failure !== undefined) {
          failNext = undefined;
          throw failure;
        }
        onSent(bytes.length);
        const fresh = !stored[index]?.has(part);
        stored[index]?.add(part);
        return fresh;
      },
      finalize: async () => {
        const missing = sizes.some((b, i) => (stored[i] as Set<number>).size < Math.ceil(b / PART));
        if (missing) throw new ApiError(409, 'INCOMPLETE');
        closed = true;
      },
    },
  };
}

function deps(api: UploadDeps['api'], online: { value: boolean; waits: number }) {
  const phases: UploadPhase[] = [];
  const progress = new Map<number, number>();
  const d: UploadDeps = {
    api,
    produce: async (key, part) => ({ bytes: new Uint8Array(Math.min(PART, [25, 7][key]! - part * PART)) }),
    isOnline: () => online.value,
    waitOnline: async () => {
      online.waits++;
      online.value = true;
    },
    sleep: async () => undefined,
    onProgress: (i, n) => progress.set(i, n),
    onPhase: (p) => phases.push(p),
  };
  return { d, phases, progress };
}

const envelopes = [
  { key: 0, bytes: 25 },
  { key: 1, bytes: 7 },
];

describe('upload loop', () => {
  it('sends every part once, reports full progress and finalizes', async () => {
    const s = server([25, 7]);
    const { d, progress } = deps(s.api, { value: true, waits: 0 });
    await upload(d, ID, PART, envelopes);
    expect(s.puts).toEqual(['0/0', '0/1', '0/2', '1/0']);
    expect([progress.get(0), progress.get(1)]).toEqual([25, 7]);
    expect((await s.api.status()).state).toBe('queued');
  });

  it('sends only the parts the server does not hold (resume)', async () => {
    const s = server([25, 7]);
    s.stored[0]?.add(0);
    s.stored[0]?.add(2);
    const { d } = deps(s.api, { value: true, waits: 0 });
    await upload(d, ID, PART, envelopes);
    expect(s.puts).toEqual(['0/1', '1/0']);
  });

  it('after a dropped answer, asks the server and does not send an arrived part again', async () => {
    const s = server([25, 7]);
    s.setFail((i, p) => (i === 0 && p === 1 ? 'arrive-then-drop' : undefined));
    const { d, phases } = deps(s.api, { value: true, waits: 0 });
    await upload(d, ID, PART, envelopes);
    expect(s.puts).toEqual(['0/0', '0/1', '0/2', '1/0']);
    expect(phases).toContain('retrying');
  });

  it('retries a part that did not arrive, waiting for the network when offline', async () => {
    const s = server([25, 7]);
    const online = { value: true, waits: 0 };
    s.setFail((i, p) => {
      if (i === 0 && p === 2) {
        online.value = false;
        return new NetworkError();
      }
      return undefined;
    });
    const { d, phases } = deps(s.api, online);
    await upload(d, ID, PART, envelopes);
    expect(s.puts).toEqual(['0/0', '0/1', '0/2', '0/2', '1/0']);
    expect(online.waits).toBe(1);
    expect(phases).toContain('offline');
  });

  it('waits out a busy server (503) and re-sends a part damaged in transit', async () => {
    const s = server([25, 7]);
    let n = 0;
    s.setFail(() => {
      n++;
      return n === 1 ? new ApiError(503, 'BUSY', 1) : undefined;
    });
    const { d } = deps(s.api, { value: true, waits: 0 });
    await upload(d, ID, PART, envelopes);
    expect(s.puts.filter((p) => p === '0/0')).toHaveLength(2);
    const t = server([25, 7]);
    t.setFail((i, p) => (i === 1 && p === 0 ? new ApiError(400, 'DIGEST_MISMATCH') : undefined));
    await upload(deps(t.api, { value: true, waits: 0 }).d, ID, PART, envelopes);
    expect(t.puts).toEqual(['0/0', '0/1', '0/2', '1/0', '1/0']);
  });

  it('re-sends parts the server no longer holds when finalize says INCOMPLETE', async () => {
    const s = server([25, 7]);
    const finalize = s.api.finalize;
    let first = true;
    s.api.finalize = async () => {
      if (first) {
        first = false;
        s.stored[0]?.delete(1); // e.g. lost on the server
      }
      return finalize();
    };
    const { d } = deps(s.api, { value: true, waits: 0 });
    await upload(d, ID, PART, envelopes);
    expect(s.puts).toEqual(['0/0', '0/1', '0/2', '1/0', '0/1']);
  });

  it('stops on a refusal a retry cannot fix, and does nothing when already finalized', async () => {
    const s = server([25, 7]);
    s.setFail(() => new ApiError(507, 'INSUFFICIENT_STORAGE'));
    await expect(upload(deps(s.api, { value: true, waits: 0 }).d, ID, PART, envelopes)).rejects.toMatchObject(
      {
        status: 507,
      },
    );
    const done = server([25, 7]);
    done.close();
    await upload(deps(done.api, { value: true, waits: 0 }).d, ID, PART, envelopes);
    expect(done.puts).toEqual([]);
  });
});
