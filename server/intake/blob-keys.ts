// Where intake parts live in the blob store: uploads/<submission id>/<file index>/<part index>.
export const UPLOADS_PREFIX = 'uploads/';

export function submissionPrefix(id: string): string {
  return `${UPLOADS_PREFIX}${id}/`;
}

export function filePrefix(id: string, index: number): string {
  return `${UPLOADS_PREFIX}${id}/${index}/`;
}

export function partKey(id: string, index: number, part: number): string {
  return `${UPLOADS_PREFIX}${id}/${index}/${part}`;
}

/** Parses `uploads/<id>/<index>/<part>`; undefined for anything else. */
export function parsePartKey(key: string): { id: string; index: number; part: number } | undefined {
  const match = /^uploads\/([0-9a-f]{32})\/(0|[1-9]\d{0,5})\/(0|[1-9]\d{0,8})$/.exec(key);
  if (match === null) return undefined;
  return { id: match[1] as string, index: Number(match[2]), part: Number(match[3]) };
}
