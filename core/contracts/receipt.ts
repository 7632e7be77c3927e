// The witness receipt (GET /api/submissions/:id/receipt, docs/API.md): the submission's `received`
// entries (commitments to the intake ciphertext only), a signed checkpoint, and an inclusion proof of
// each entry against that checkpoint. It reveals that something was submitted to this portal and
// when, nothing about the content. Checked by core/receipt.ts (verify page, tests).
import { z } from 'zod';
import { submissionIdSchema } from './jobs.js';
import { receivedEntrySchema } from './log-entry.js';

export const RECEIPT_VERSION = 1;

const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const base64Hash = z.string().regex(/^[A-Za-z0-9+/]{43}=$/);

export const receiptSchema = z.strictObject({
  v: z.literal(RECEIPT_VERSION),
  submission: submissionIdSchema,
  /** A signed checkpoint (C2SP signed note) covering every entry below. */
  checkpoint: z
    .string()
    .min(1)
    .max(64 * 1024),
  entries: z
    .array(
      z.strictObject({
        /** The entry's leaf index in the log. */
        index: count,
        entry: receivedEntrySchema,
        /** Inclusion proof (base64 hashes) against the checkpoint's tree. */
        proof: z.array(base64Hash).max(64),
      }),
    )
    .min(1)
    .max(10_000),
});
export type Receipt = z.infer<typeof receiptSchema>;

/** While the submission's received entries are not all in the log yet (HTTP 202). */
export const receiptPendingSchema = z.strictObject({ pending: z.literal(true) });
export type ReceiptPending = z.infer<typeof receiptPendingSchema>;
