import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { decideRange, notModified, rangeStillValid } from '../../../server/reviewer/ranges.js';

describe('decideRange', () => {
  it.each([
    [undefined, 100, { kind: 'full' }],
    ['bytes=0-9', 100, { kind: 'partial', start: 0, end: 10 }],
    ['bytes=10-', 100, { kind: 'partial', start: 10, end: 100 }],
    ['bytes=90-200', 100, { kind: 'partial', start: 90, end: 100 }],
    ['bytes=99-99', 100, { kind: 'partial', start: 99, end: 100 }],
    ['bytes=-7', 100, { kind: 'partial', start: 93, end: 100 }],
    ['bytes=-700', 100, { kind: 'partial', start: 0, end: 100 }],
    ['bytes=100-', 100, { kind: 'unsatisfiable' }],
    ['bytes=100-150', 100, { kind: 'unsatisfiable' }],
    ['bytes=0-', 0, { kind: 'unsatisfiable' }],
    ['bytes=-0', 100, { kind: 'unsatisfiable' }],
    ['bytes=-5', 0, { kind: 'unsatisfiable' }],
    ['bytes=9-3', 100, { kind: 'full' }],
    ['bytes=0-1,4-5', 100, { kind: 'full' }],
    ['items=0-1', 100, { kind: 'full' }],
    ['bytes=a-b', 100, { kind: 'full' }],
    ['bytes=1234567890123456-', 100, { kind: 'full' }],
  ] as const)('%s of %i bytes → %j', (header, size, expected) => {
    expect(decideRange(header, size)).toEqual(expected);
  });

  it('only ever yields ranges inside the blob', () => {
    fc.assert(
      fc.property(fc.nat(1e6), fc.nat(2e6), fc.option(fc.nat(2e6)), (size, a, b) => {
        const decision = decideRange(`bytes=${a}-${b ?? ''}`, size);
        if (decision.kind === 'partial') {
          expect(decision.start).toBe(a);
          expect(decision.end).toBeGreaterThan(decision.start);
          expect(decision.end).toBeLessThanOrEqual(size);
        } else if (decision.kind === 'unsatisfiable') expect(a).toBeGreaterThanOrEqual(size);
      }),
    );
  });
});

describe('conditional requests', () => {
  const etag = '"abc"';
  it('If-None-Match matches the tag, a list holding it, a weak form of it or *', () => {
    expect(notModified(undefined, etag)).toBe(false);
    expect(notModified('"abc"', etag)).toBe(true);
    expect(notModified('"x", "abc"', etag)).toBe(true);
    expect(notModified('W/"abc"', etag)).toBe(true);
    expect(notModified('*', etag)).toBe(true);
    expect(notModified('"abcd"', etag)).toBe(false);
  });
  it('If-Range keeps the range only while the tag matches', () => {
    expect(rangeStillValid(undefined, etag)).toBe(true);
    expect(rangeStillValid('"abc"', etag)).toBe(true);
    expect(rangeStillValid('"old"', etag)).toBe(false);
    expect(rangeStillValid('W/"abc"', etag)).toBe(false);
  });
});
