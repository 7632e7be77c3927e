// The public provenance log API (docs/API.md, "Provenance log API"): the latest signed checkpoint,
// entries looked up by digest or index, inclusion and consistency proofs. No authentication, nothing
// about the request is read beyond its query; every answer is derived from the blob store alone.
import { Router } from 'express';
import { toBase64 } from '../../core/base64.js';
import type {
  ConsistencyProofResponse,
  InclusionProofResponse,
  LogEntriesResponse,
} from '../../core/contracts/log-entry.js';
import { KuaError } from '../../runtime/errors.js';
import type { DigestField } from '../../runtime/provenance-log/layout.js';
import type { LogReader } from '../../runtime/provenance-log/reader.js';
import { BadRequestError, NotFoundError } from '../errors.js';

export interface LogRouterDeps {
  reader: LogReader;
  /** Served at GET /key for the verify page: the log public key (base64) and org fingerprint (hex). */
  key?: LogKeyResponse;
}

/** GET /api/log/key: what the verify page checks checkpoints with (compare it out of band). */
export interface LogKeyResponse {
  logPublicKey: string;
  logFingerprint: string;
  orgFingerprint: string;
}

export class LogEmptyError extends KuaError {
  constructor() {
    super('LOG_EMPTY', 'The provenance log has no checkpoint yet');
  }
}

const DECIMAL = /^(0|[1-9]\d{0,14})$/;
const HEX_DIGEST = /^[0-9a-f]{64}$/;
const ENTRY_ID = /^(?:(?:received|sanitised):[0-9a-f]{32}:(?:0|[1-9]\d{0,8})|roster:(?:0|[1-9]\d{0,14}))$/;
const FIELDS: readonly DigestField[] = ['sanitised', 'sealed', 'intake'];

function decimal(value: unknown, what: string): number {
  if (typeof value !== 'string' || !DECIMAL.test(value))
    throw new BadRequestError(`${what} must be a decimal integer`);
  return Number(value);
}

export function createLogRouter(deps: LogRouterDeps): Router {
  const router = Router();
  const { reader } = deps;

  router.get('/key', (_req, res) => {
    if (deps.key === undefined) throw new NotFoundError();
    res.json(deps.key);
  });

  router.get('/checkpoint', async (_req, res) => {
    const note = await reader.checkpoint();
    if (note === undefined) throw new LogEmptyError();
    res.type('text/plain; charset=utf-8').send(note);
  });

  router.get('/entries', async (req, res) => {
    if (req.query.id !== undefined) {
      const id = req.query.id;
      if (typeof id !== 'string' || !ENTRY_ID.test(id) || Object.keys(req.query).length !== 1) {
        throw new BadRequestError('id must be an entry id such as received:<submission>:<index>');
      }
      const size = await reader.size();
      const index = await reader.lookupId(id);
      const entries = index === undefined ? [] : [{ index, entry: await reader.entry(index) }];
      const body: LogEntriesResponse = { size, entries };
      res.json(body);
      return;
    }
    const given = FIELDS.filter((f) => req.query[f] !== undefined);
    const field = given[0];
    if (given.length !== 1 || field === undefined || Object.keys(req.query).length !== 1) {
      throw new BadRequestError('give exactly one of sanitised, sealed, intake or id');
    }
    const hex = req.query[field];
    if (typeof hex !== 'string' || !HEX_DIGEST.test(hex)) {
      throw new BadRequestError('the digest must be 64 lowercase hex digits');
    }
    const size = await reader.size();
    const indexes = await reader.lookup(field, hex);
    const entries = [];
    for (const index of indexes) entries.push({ index, entry: await reader.entry(index) });
    const body: LogEntriesResponse = { size, entries };
    res.json(body);
  });

  router.get('/entries/:index', async (req, res) => {
    const index = decimal(req.params.index, 'index');
    const size = await reader.size();
    if (index >= size) throw new BadRequestError('index is not below the published tree size');
    const body: LogEntriesResponse = { size, entries: [{ index, entry: await reader.entry(index) }] };
    res.json(body);
  });

  router.get('/proof/inclusion', async (req, res) => {
    const index = decimal(req.query.index, 'index');
    const size = decimal(req.query.size, 'size');
    const proof = await reader.inclusionProof(index, size);
    const body: InclusionProofResponse = { index, size, proof: proof.map(toBase64) };
    res.json(body);
  });

  router.get('/proof/consistency', async (req, res) => {
    const from = decimal(req.query.from, 'from');
    const to = decimal(req.query.to, 'to');
    const proof = await reader.consistencyProof(from, to);
    const body: ConsistencyProofResponse = { from, to, proof: proof.map(toBase64) };
    res.json(body);
  });

  return router;
}
