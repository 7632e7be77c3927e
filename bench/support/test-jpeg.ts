// The test photo for the media benches: a 12-megapixel (4000×3000) JPEG, quality 90, of Gaussian noise
// (which does not compress away), the size of a phone photo.
import { join } from 'node:path';
import sharp from 'sharp';

/** Writes `photo-12mp.jpg` in `dir` and returns its path. */
export async function makeTestJpeg(dir: string): Promise<string> {
  const path = join(dir, 'photo-12mp.jpg');
  await sharp({
    create: {
      width: 4000,
      height: 3000,
      channels: 3,
      background: '#808080',
      noise: { type: 'gaussian', mean: 128, sigma: 30 },
    },
  })
    .jpeg({ quality: 90 })
    .toFile(path);
  return path;
}
