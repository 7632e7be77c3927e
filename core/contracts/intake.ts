// Intake API v1 (docs/API.md): request and response shapes (zod) shared by the server and the witness
// page, plus the size arithmetic of intake-sizes.ts. Platform-neutral. The page imports types from here
// with `import type` and values from intake-sizes.ts, which keeps zod out of its bundle.
import { z } from 'zod';
import { MIN_ENVELOPE_BYTES } from './intake-sizes.js';
import { submissionIdSchema } from './jobs.js';

export * from './intake-sizes.js';

const hex32 = z.string().regex(/^[0-9a-f]{32}$/);
const count = z.number().int().min(0);

export const intakeConfigSchema = z.strictObject({
  intake: z.strictObject({ publicKey: z.string(), fingerprint: hex32 }),
  limits: z.strictObject({
    maxFileBytes: count,
    maxEnvelopeBytes: count,
    maxFiles: count,
    partBytes: count,
    acceptedTypes: z.array(z.string()),
  }),
  expiresInSeconds: count,
});
export type IntakeConfig = z.infer<typeof intakeConfigSchema>;

/** Upper bound of `files` the schema accepts; the server then applies its configured MAX_FILES. */
export const MAX_FILES_HARD_LIMIT = 1000;

export const createSubmissionRequestSchema = z.strictObject({
  files: z
    .array(z.strictObject({ bytes: z.number().int().min(MIN_ENVELOPE_BYTES).max(Number.MAX_SAFE_INTEGER) }))
    .min(1)
    .max(MAX_FILES_HARD_LIMIT),
});
export type CreateSubmissionRequest = z.infer<typeof createSubmissionRequestSchema>;

export const submissionFileSchema = z.strictObject({
  index: count,
  bytes: count,
  parts: count,
});
export type SubmissionFile = z.infer<typeof submissionFileSchema>;

export const createSubmissionResponseSchema = z.strictObject({
  id: submissionIdSchema,
  partBytes: count,
  expiresAt: z.string(),
  files: z.array(submissionFileSchema),
});
export type CreateSubmissionResponse = z.infer<typeof createSubmissionResponseSchema>;

export const partResponseSchema = z.strictObject({ stored: z.boolean() });
export type PartResponse = z.infer<typeof partResponseSchema>;

export const SUBMISSION_STATES = ['uploading', 'queued', 'processing', 'done', 'failed'] as const;
export type SubmissionState = (typeof SUBMISSION_STATES)[number];

/** What processing did with one file: released to reviewers, refused (nothing released), or page data. */
export const FILE_OUTCOMES = ['sealed', 'refused', 'control'] as const;
export type FileOutcomeCode = (typeof FILE_OUTCOMES)[number];

/** A refusal reason code (the provenance record's `reason`): lowercase words, never content. */
export const outcomeReasonSchema = z.string().regex(/^[a-z0-9][a-z0-9 ._/+-]{0,99}$/);

/** One file's outcome, codes only. `reason` only (and always) when refused. */
export const processedFileSchema = z.discriminatedUnion('outcome', [
  z.strictObject({ outcome: z.literal('sealed') }),
  z.strictObject({ outcome: z.literal('control') }),
  z.strictObject({ outcome: z.literal('refused'), reason: outcomeReasonSchema }),
]);
export type ProcessedFile = z.infer<typeof processedFileSchema>;

export const submissionStatusSchema = z.strictObject({
  id: submissionIdSchema,
  state: z.enum(SUBMISSION_STATES),
  expiresAt: z.string().optional(),
  /** Only when state is "failed": a generic code, never anything about the content. */
  reason: z.literal('PROCESSING_FAILED').optional(),
  files: z.array(
    submissionFileSchema.extend({
      received: z.array(count),
      /** Only when state is "done" (and the outcome is still kept): what became of this file. */
      outcome: z.enum(FILE_OUTCOMES).optional(),
      /** Only when outcome is "refused": the reason code. */
      reason: outcomeReasonSchema.optional(),
    }),
  ),
});
export type SubmissionStatus = z.infer<typeof submissionStatusSchema>;

export const finalizeResponseSchema = z.strictObject({
  id: submissionIdSchema,
  state: z.literal('queued'),
});
export type FinalizeResponse = z.infer<typeof finalizeResponseSchema>;
