// A client for the portal's public provenance log API (docs/API.md, "Provenance log API v1"): the
// latest signed checkpoint, entries by digest or id, inclusion and consistency proofs. Answers are
// validated against core/contracts/log-entry.ts; nothing here trusts them: log-check.ts verifies.
import type { z } from 'zod';
import { fromBase64 } from '../../core/base64.js';
import {
  consistencyProofResponseSchema,
  type IndexedLogEntry,
  inclusionProofResponseSchema,
  logEntriesResponseSchema,
} from '../../core/contracts/log-entry.js';
import { type Fetch, portalBaseUrl } from './api.js';
import { PortalError } from './errors.js';

/** Signed notes are at most 64 KiB (C2SP signed-note). */
const MAX_NOTE_BYTES = 64 * 1024;

export type LogLookupField = 'sanitised' | 'sealed' | 'intake';

export class LogClient {
  private readonly base: URL;

  constructor(
    server: string,
    private readonly fetchImpl: Fetch = fetch,
  ) {
    this.base = portalBaseUrl(server);
  }

  private async get(path: string, what: string): Promise<Response> {
    let response: Response;
    try {
      response = await this.fetchImpl(new URL(path, this.base), { redirect: 'error' });
    } catch {
      throw new PortalError('PORTAL_UNREACHABLE', 'could not reach the portal (network error)');
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new PortalError('PORTAL_HTTP', `${what}: the portal answered HTTP ${response.status}`);
    }
    return response;
  }

  private async json<T>(path: string, schema: z.ZodType<T>, what: string): Promise<T> {
    const response = await this.get(path, what);
    let value: unknown;
    try {
      value = await response.json();
    } catch {
      throw new PortalError('PORTAL_BAD_ANSWER', `the portal sent an unreadable ${what}`);
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new PortalError('PORTAL_BAD_ANSWER', `the portal sent an unexpected ${what}`);
    return parsed.data;
  }

  /** The latest signed checkpoint note, as text (unverified). */
  async checkpoint(): Promise<string> {
    const response = await this.get('api/log/checkpoint', 'fetching the log checkpoint');
    const text = await response.text();
    if (text.length > MAX_NOTE_BYTES)
      throw new PortalError('PORTAL_BAD_ANSWER', 'the portal sent an oversized checkpoint');
    return text;
  }

  /** Entries carrying `hex` in `field`, below the published size. */
  async lookup(field: LogLookupField, hex: string): Promise<IndexedLogEntry[]> {
    const query = new URLSearchParams({ [field]: hex });
    return (await this.json(`api/log/entries?${query}`, logEntriesResponseSchema, 'log lookup')).entries;
  }

  /** The entry with this id (received:<submission>:<index>, sanitised:…, roster:<version>), if published. */
  async byId(id: string): Promise<IndexedLogEntry | undefined> {
    const query = new URLSearchParams({ id });
    return (await this.json(`api/log/entries?${query}`, logEntriesResponseSchema, 'log lookup')).entries[0];
  }

  async inclusionProof(index: number, size: number): Promise<Uint8Array[]> {
    const answer = await this.json(
      `api/log/proof/inclusion?index=${index}&size=${size}`,
      inclusionProofResponseSchema,
      'inclusion proof',
    );
    if (answer.index !== index || answer.size !== size)
      throw new PortalError('PORTAL_BAD_ANSWER', 'the portal sent an inclusion proof for another entry');
    return answer.proof.map((h) => fromBase64(h));
  }

  async consistencyProof(from: number, to: number): Promise<Uint8Array[]> {
    const answer = await this.json(
      `api/log/proof/consistency?from=${from}&to=${to}`,
      consistencyProofResponseSchema,
      'consistency proof',
    );
    if (answer.from !== from || answer.to !== to)
      throw new PortalError('PORTAL_BAD_ANSWER', 'the portal sent a consistency proof for other sizes');
    return answer.proof.map((h) => fromBase64(h));
  }
}
