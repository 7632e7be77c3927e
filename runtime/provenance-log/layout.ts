// Where the provenance log lives in the blob store (docs/LOG.md, "Storage and sequencing"). Every key
// but `log/checkpoint` is written once (ifAbsent) and never changed; the indexes below `ids/`,
// `by-hash/` and `rosters/` are derived from the entries and can be rebuilt from them.
import { toHex, utf8 } from '../../core/bytes.js';
import { sha256 } from '../../core/sha256.js';

export const LOG_PREFIX = 'log/';
const WIDTH = 12;
const pad = (n: number) => String(n).padStart(WIDTH, '0');

/** Canonical JSON of entry `index` (written once). */
export const entryKey = (index: number) => `log/entries/${pad(index)}`;
/** The latest signed checkpoint (the only key that is overwritten, always by a larger tree). */
export const CHECKPOINT_KEY = 'log/checkpoint';
export const CHECKPOINTS_PREFIX = 'log/checkpoints/';
/** Every checkpoint ever published, by tree size. */
export const checkpointKey = (size: number) => `${CHECKPOINTS_PREFIX}${pad(size)}`;
/** Entry id → index (decimal). The id is hashed: it may contain characters keys may not. */
export const idKey = (id: string) => `log/ids/${toHex(sha256(utf8(id)))}`;
export type DigestField = 'intake' | 'sanitised' | 'sealed';
export const byHashPrefix = (field: DigestField, hex: string) => `log/by-hash/${field}/${hex}/`;
/** An empty marker: entry `index` carries digest `hex` in `field`. */
export const byHashKey = (field: DigestField, hex: string, index: number) =>
  `${byHashPrefix(field, hex)}${pad(index)}`;
export const ROSTERS_PREFIX = 'log/rosters/';
/** Roster version → index of its roster entry (decimal). */
export const rosterKey = (version: number) => `${ROSTERS_PREFIX}${pad(version)}`;

/** Parses a zero-padded index segment; undefined if it is not one. */
export function parseIndexSegment(segment: string): number | undefined {
  if (!/^\d{12}$/.test(segment)) return undefined;
  return Number(segment);
}
