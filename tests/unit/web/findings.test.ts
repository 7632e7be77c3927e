// What the page tells the witness about a photo's metadata, from exifr's output for real corpus files.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import exifr from 'exifr';
import { translator } from '../../../web/i18n/i18n.js';
import { findingsFromTags } from '../../../web/metadata/findings.js';
import { acceptAttribute, formatTimeLeft, groupHex, mediaTypeOf } from '../../../web/ui/format.js';

const CORPUS = join(import.meta.dirname, '..', '..', 'fixtures', 'corpus');
const OPTIONS = {
  tiff: true,
  exif: true,
  gps: true,
  xmp: true,
  iptc: true,
  mergeOutput: true,
  reviveValues: true,
};

async function findingsOf(file: string) {
  return findingsFromTags(await exifr.parse(readFileSync(join(CORPUS, file)), OPTIONS));
}

describe('photo metadata findings', () => {
  it('finds location, device and date in a phone photo', async () => {
    const f = await findingsOf('exifr_google_pixel_gps.jpg');
    expect(f.location).toEqual({
      latitude: expect.closeTo(50.2996, 3),
      longitude: expect.closeTo(14.8203, 3),
    });
    expect(f.device).toBe('Google Pixel');
    expect(f.date).toBeInstanceOf(Date);
    expect(f.unreadable).toBe(false);
  });

  it('finds serial numbers and the photographer in a camera photo', async () => {
    const f = await findingsOf('exifr_canon600d_gps_serials_iptc.jpg');
    expect(f.serial).toBe(true);
    expect(f.device).toBe('Canon EOS 600D'); // the model already names the make
    expect(f.owners).toContain('Patrik');
  });

  it('finds an owner name and copyright', async () => {
    expect((await findingsOf('exifr_pixel_exif_gps.png')).owners).toContain('Andreas Huggel');
    const agency = await findingsOf('exifr_iptc_agency_photographer_gps.jpg');
    expect(agency.owners.join(' ')).toContain('Julie Doe');
  });

  it('reports nothing for no tags', () => {
    expect(findingsFromTags(undefined)).toEqual({
      kind: 'photo',
      serial: false,
      owners: [],
      unreadable: false,
    });
  });
});

describe('formatting', () => {
  const t = translator('en');
  it('groups codes and estimates time left in words', () => {
    expect(groupHex('0123456789abcdef0123456789abcdef')).toBe('0123 4567 89ab cdef 0123 4567 89ab cdef');
    expect(formatTimeLeft(t, undefined)).toBe(t('timeLeftUnknown'));
    expect(formatTimeLeft(t, 12)).toBe('about 15 seconds left');
    expect(formatTimeLeft(t, 600)).toBe('about 10 minutes left');
    expect(formatTimeLeft(t, 3 * 3600)).toBe('about 3 hours left');
  });

  it('types files by extension when the browser gives no type', () => {
    expect(mediaTypeOf({ name: 'IMG_1.HEIC', type: '' })).toBe('image/heic');
    expect(mediaTypeOf({ name: 'clip.mov', type: 'application/octet-stream' })).toBe('video/quicktime');
    expect(mediaTypeOf({ name: 'x.jpg', type: 'image/jpeg' })).toBe('image/jpeg');
    expect(mediaTypeOf({ name: 'notes.txt', type: '' })).toBe('');
    expect(acceptAttribute(['image/heic'])).toBe('image/heic,.heic');
  });
});
