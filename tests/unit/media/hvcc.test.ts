// hvcC SEI neutralising and the codec-configuration check.
import { describe, expect, it } from '@jest/globals';
import { hvccNals, neutraliseHvccSei } from '../../../worker/media/hvcc.js';
import { parseHexDump } from '../../../worker/media/probe.js';
import { disallowedInCodecConfig } from '../../../worker/media/verify.js';

function hvcc(nals: { type: number; payload: number[] }[]): Uint8Array {
  const out = [1, ...new Array(21).fill(0), nals.length];
  for (const nal of nals) {
    const body = [nal.type << 1, 1, ...nal.payload];
    out.push(0x80 | nal.type, 0, 1, body.length >> 8, body.length & 0xff, ...body);
  }
  return Uint8Array.from(out);
}

describe('hvcC', () => {
  const text = Array.from('x265 (build 199) - options: secret', (c) => c.charCodeAt(0));
  it('lists NAL unit types and neutralises SEI in place without changing the size', () => {
    const config = hvcc([
      { type: 32, payload: [1, 2, 3] },
      { type: 33, payload: [4, 5] },
      { type: 34, payload: [6] },
      { type: 39, payload: text },
    ]);
    expect(hvccNals(config).map((n) => n.type)).toEqual([32, 33, 34, 39]);
    expect(disallowedInCodecConfig('hevc', config)).toEqual([
      'codec configuration text',
      'codec configuration SEI',
    ]);
    const length = config.length;
    expect(neutraliseHvccSei(config)).toBe(1);
    expect(config.length).toBe(length);
    expect(hvccNals(config).map((n) => n.type)).toEqual([32, 33, 34, 41]);
    expect(disallowedInCodecConfig('hevc', config)).toEqual([]);
    expect(Buffer.from(config).includes('x265')).toBe(false);
  });
  it('reads ffprobe hex dumps', () => {
    expect(Array.from(parseHexDump('\n00000000: 0104 08ff 00  .....\n00000010: ab  .\n'))).toEqual([
      1, 4, 8, 255, 0, 0xab,
    ]);
  });
});
