// The summary table `kua pull` prints: one row per submission, plain text, fixed columns.
export interface SummaryRow {
  submission: string;
  state: 'new' | 'already pulled' | 'FAILED';
  files: number;
  refused: number;
  originals: number;
  notes: number;
}

const HEADERS = ['submission', 'state', 'files', 'refused', 'originals', 'notes'] as const;

export function formatTable(rows: readonly SummaryRow[]): string[] {
  const cells = rows.map((r) => [
    r.submission,
    r.state,
    String(r.files),
    String(r.refused),
    String(r.originals),
    String(r.notes),
  ]);
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => (i >= 2 ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(HEADERS), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)];
}
