// `kua verify FILE --server URL`: find a file in the portal's provenance log by its SHA-256 (computed
// here; the file never leaves this machine), check the entry's inclusion against a checkpoint signed by
// the pinned log key, and the entry of the submission's receipt (received time) the same way.
import type { IndexedLogEntry, ReceivedEntry, SanitisedEntry } from '../../core/contracts/log-entry.js';
import { KuaError } from '../errors.js';
import { checkIncluded, type VerifiedCheckpoint } from './log-check.js';
import type { LogClient } from './log-client.js';

export class NotInLogError extends KuaError {
  constructor() {
    super('NOT_IN_LOG', 'not in the log: the portal has no sanitised or sealed file with this SHA-256');
  }
}

export interface LogMatch {
  /** Which hash matched: the sanitised file reviewers publish, or the envelope sealed to them. */
  as: 'sanitised' | 'sealed';
  index: number;
  entry: SanitisedEntry;
  received: { index: number; entry: ReceivedEntry } | undefined;
}

/** Every verified match of `digest` in the log (usually one); throws NotInLogError when there is none. */
export async function findFileInLog(
  client: LogClient,
  checkpoint: VerifiedCheckpoint,
  digest: { sha256: string; bytes: number },
): Promise<LogMatch[]> {
  const matches: LogMatch[] = [];
  for (const as of ['sanitised', 'sealed'] as const) {
    const found = (await client.lookup(as, digest.sha256)).filter(
      (e): e is IndexedLogEntry & { entry: SanitisedEntry } =>
        e.entry.kind === 'sanitised' &&
        e.entry[as].sha256 === digest.sha256 &&
        e.entry[as].bytes === digest.bytes &&
        e.index < checkpoint.size,
    );
    for (const hit of found) {
      const where = `log entry ${hit.index}`;
      await checkIncluded(client, checkpoint, hit, where);
      const receivedHit = await client.byId(`received:${hit.entry.submission}:${hit.entry.index}`);
      let received: LogMatch['received'];
      if (receivedHit !== undefined && receivedHit.entry.kind === 'received') {
        await checkIncluded(client, checkpoint, receivedHit, `log entry ${receivedHit.index}`);
        received = { index: receivedHit.index, entry: receivedHit.entry };
      }
      matches.push({ as, index: hit.index, entry: hit.entry, received });
    }
    if (matches.length > 0) break;
  }
  if (matches.length === 0) throw new NotInLogError();
  return matches;
}
