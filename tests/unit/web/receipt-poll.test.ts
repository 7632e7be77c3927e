// web/upload/receipt.ts: polls until the receipt is ready (202 → 200), bounded by its delays; gives up
// on a refusal or a body that is not this submission's receipt; rides over network errors.
import { describe, expect, it } from '@jest/globals';
import { waitForReceipt } from '../../../web/upload/receipt.js';

const ID = 'a'.repeat(32);
const RECEIPT = JSON.stringify({ v: 1, submission: ID, checkpoint: 'x', entries: [{}] });

function script(answers: Array<Response | Error>) {
  const urls: string[] = [];
  const slept: number[] = [];
  return {
    urls,
    slept,
    deps: {
      fetch: async (url: string) => {
        urls.push(url);
        const next = answers.shift();
        if (next === undefined) throw new Error('no more answers');
        if (next instanceof Error) throw next;
        return next;
      },
      sleep: async (ms: number) => {
        slept.push(ms);
      },
    },
  };
}

const pending = () => new Response('{"pending":true}', { status: 202 });

describe('waitForReceipt', () => {
  it('polls with the given delays until the receipt is there', async () => {
    const s = script([pending(), new Error('offline'), pending(), new Response(RECEIPT, { status: 200 })]);
    await expect(waitForReceipt(ID, s.deps, [1, 2, 3, 4, 5])).resolves.toBe(RECEIPT);
    expect(s.urls).toEqual(Array(4).fill(`/api/submissions/${ID}/receipt`));
    expect(s.slept).toEqual([1, 2, 3]);
  });

  it('gives up after the last delay, on a refusal, or on another submission’s receipt', async () => {
    const slow = script(Array.from({ length: 3 }, pending));
    await expect(waitForReceipt(ID, slow.deps, [1, 2])).resolves.toBeUndefined();
    expect(slow.urls).toHaveLength(3);
    const refused = script([new Response('{}', { status: 404 })]);
    await expect(waitForReceipt(ID, refused.deps, [1, 2])).resolves.toBeUndefined();
    expect(refused.urls).toHaveLength(1);
    const other = script([new Response(RECEIPT.replace(ID, 'b'.repeat(32)), { status: 200 })]);
    await expect(waitForReceipt(ID, other.deps, [1])).resolves.toBeUndefined();
  });
});
