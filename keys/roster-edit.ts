// Pure roster changes: each returns the next unsigned roster with the version counter + 1.
import { equalBytes } from '../core/bytes.js';
import { identityFingerprint, type PublicIdentity } from '../core/identity.js';
import {
  MAX_ROSTER_VERSION,
  type Roster,
  type RosterEntry,
  sameName,
  validateReviewerName,
} from '../core/roster.js';
import type { Sodium } from '../core/sodium.js';
import { KuaError } from './errors.js';

/** The roster before the first `kua roster add`: version 0, never signed or written. */
export const EMPTY_ROSTER: Roster = { version: 0, issuedAt: new Date(0).toISOString(), reviewers: [] };

function nextVersion(roster: Roster): number {
  if (roster.version >= MAX_ROSTER_VERSION)
    throw new KuaError('ROSTER_FULL', 'roster version counter exhausted');
  return roster.version + 1;
}

export function addReviewer(
  sodium: Sodium,
  roster: Roster,
  name: string,
  identity: PublicIdentity,
  now: Date,
): Roster {
  validateReviewerName(name);
  if (roster.reviewers.some((r) => sameName(r.name, name))) {
    throw new KuaError('ROSTER_CONFLICT', 'a reviewer with that name is already on the roster');
  }
  const sameKey = (r: RosterEntry) =>
    equalBytes(r.x25519PublicKey, identity.x25519PublicKey) ||
    equalBytes(r.ed25519PublicKey, identity.ed25519PublicKey);
  if (roster.reviewers.some(sameKey)) {
    throw new KuaError('ROSTER_CONFLICT', 'that public identity is already on the roster');
  }
  const issuedAt = now.toISOString();
  const entry: RosterEntry = {
    name,
    x25519PublicKey: identity.x25519PublicKey,
    ed25519PublicKey: identity.ed25519PublicKey,
    fingerprint: identityFingerprint(sodium, identity),
    addedAt: issuedAt,
  };
  return { version: nextVersion(roster), issuedAt, reviewers: [...roster.reviewers, entry] };
}

export function removeReviewer(roster: Roster, name: string, now: Date): Roster {
  const reviewers = roster.reviewers.filter((r) => !sameName(r.name, name));
  if (reviewers.length === roster.reviewers.length) {
    throw new KuaError('REVIEWER_NOT_FOUND', 'no reviewer with that name on the roster');
  }
  return { version: nextVersion(roster), issuedAt: now.toISOString(), reviewers };
}
