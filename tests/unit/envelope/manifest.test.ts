import { describe, expect, test } from '@jest/globals';
import { utf8 } from '../../../core/bytes.js';
import {
  decodeManifest,
  encodeManifest,
  InvalidEnvelopeArgumentError,
  MalformedManifestError,
  manifestPaddedLengthFor,
} from '../../../core/envelope/index.js';

function rawManifest(json: string, padded = 256): Uint8Array {
  const body = utf8(json);
  const out = new Uint8Array(padded);
  new DataView(out.buffer).setUint32(0, body.length, false);
  out.set(body, 4);
  return out;
}

describe('manifest', () => {
  test('encodes canonically, pads to multiples of 256 and decodes back', () => {
    const m = { created: '2024-01-01T00:00:00Z', size: 5, type: 'image/png', name: 'x' };
    const bytes = encodeManifest(m);
    expect(bytes.length).toBe(256);
    expect(new TextDecoder().decode(bytes.subarray(4, 4 + new DataView(bytes.buffer).getUint32(0)))).toBe(
      '{"v":1,"name":"x","type":"image/png","size":5,"created":"2024-01-01T00:00:00Z"}',
    );
    expect(decodeManifest(bytes)).toEqual({ v: 1, ...m });
    expect(encodeManifest({ size: 1, name: 'a'.repeat(300) }).length).toBe(512);
    expect(encodeManifest({ size: 1 }, 4096).length).toBe(4096);
    expect(manifestPaddedLengthFor(252)).toBe(256);
    expect(manifestPaddedLengthFor(253)).toBe(512);
  });

  test('rejects unknown fields, other versions, bad types, non-zero padding, bad length prefixes', () => {
    const bad = [
      rawManifest('{"v":1,"size":1,"gps":"51.1,71.4"}'),
      rawManifest('{"v":2,"size":1}'),
      rawManifest('{"size":1}'),
      rawManifest('{"v":1,"size":-1}'),
      rawManifest('{"v":1,"size":1.5}'),
      rawManifest('{"v":1,"size":1,"name":5}'),
      rawManifest('{"v":1,"size":1,"type":"no slash"}'),
      rawManifest('{"v":1,"size":1,"commitment":{"salt":"00","sha256":"00"}}'),
      rawManifest('[1]'),
      rawManifest('{"v":1,'),
    ];
    const nonZero = rawManifest('{"v":1,"size":1}');
    nonZero[255] = 1;
    bad.push(nonZero);
    const longPrefix = rawManifest('{"v":1,"size":1}');
    new DataView(longPrefix.buffer).setUint32(0, 253, false);
    bad.push(longPrefix);
    for (const bytes of bad) expect(() => decodeManifest(bytes)).toThrow(MalformedManifestError);
  });

  test('refuses to encode what it would refuse to decode', () => {
    expect(() => encodeManifest({ size: -1 })).toThrow(InvalidEnvelopeArgumentError);
    expect(() => encodeManifest({ size: 1, name: 'é'.repeat(513) })).toThrow(InvalidEnvelopeArgumentError);
    expect(() => encodeManifest({ size: 1 }, 300)).toThrow(InvalidEnvelopeArgumentError);
    expect(() => encodeManifest({ size: 1, type: 'x'.repeat(300) })).toThrow(InvalidEnvelopeArgumentError);
    const withGps = { size: 1, gps: '51.1,71.4' } as unknown as { size: number };
    expect(() => encodeManifest(withGps)).toThrow(InvalidEnvelopeArgumentError);
  });
});
