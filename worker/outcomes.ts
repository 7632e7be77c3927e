// The job summary's per-file outcomes as the witness-facing status reports them: codes only.
import type { ProcessedFile } from '../core/contracts/intake.js';
import type { SubmissionSummary } from '../core/contracts/record.js';

export function statusOutcomes(summary: SubmissionSummary): ProcessedFile[] {
  return [...summary.files]
    .sort((a, b) => a.index - b.index)
    .map((file): ProcessedFile => {
      if (file.status === 'refused') return { outcome: 'refused', reason: file.reason };
      return { outcome: file.status };
    });
}
