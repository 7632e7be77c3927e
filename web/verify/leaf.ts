// The Merkle leaf data of a log entry as the page receives it from the API: the domain line and the
// entry's canonical JSON (docs/LOG.md: JCS, integers only). A tiny JCS instead of core/contracts keeps
// zod out of the page; tests/unit/web/verify-leaf.test.ts proves it equals core's encodeLogEntry.
import { utf8 } from '../../core/bytes.js';

export const LOG_ENTRY_DOMAIN = 'kua/v1 log entry\n';

export class EntryShapeError extends Error {
  readonly code = 'VERIFY_ENTRY_MALFORMED';
  constructor() {
    super('the log entry is not canonical JSON data');
    this.name = 'EntryShapeError';
  }
}

const WELL_FORMED = /^(?:[^\ud800-\udfff]|[\ud800-\udbff][\udc00-\udfff])*$/;

export function canonicalJson(value: unknown): string {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new EntryShapeError();
    return JSON.stringify(value);
  }
  if (typeof value === 'string') {
    if (!WELL_FORMED.test(value)) throw new EntryShapeError();
    return JSON.stringify(value);
  }
  if (value === null || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${canonicalJson(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  throw new EntryShapeError();
}

export function entryLeafData(entry: unknown): Uint8Array {
  return utf8(LOG_ENTRY_DOMAIN + canonicalJson(entry));
}
