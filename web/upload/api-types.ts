// Shapes and errors of the intake API v1 (docs/API.md), free of DOM types so Node tests can use them.
export interface IntakeConfig {
  intake: { publicKey: string; fingerprint: string };
  limits: {
    maxFileBytes: number;
    maxEnvelopeBytes: number;
    maxFiles: number;
    partBytes: number;
    acceptedTypes: string[];
  };
  expiresInSeconds: number;
}

export interface SubmissionFile {
  index: number;
  bytes: number;
  parts: number;
}

export interface CreatedSubmission {
  id: string;
  partBytes: number;
  expiresAt: string;
  files: SubmissionFile[];
}

export type SubmissionState = 'uploading' | 'queued' | 'processing' | 'done' | 'failed';

export interface SubmissionStatus {
  id: string;
  state: SubmissionState;
  files: Array<SubmissionFile & { received: number[] }>;
}

/** The server answered with an error status. `code` is the API's stable error code when it sent one. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly retryAfterSeconds: number | undefined;
  constructor(status: number, code: string, retryAfterSeconds?: number) {
    super(`server answered ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** No answer at all: offline, connection reset, timeout. */
export class NetworkError extends Error {
  readonly code = 'NETWORK';
  constructor() {
    super('network failure');
    this.name = 'NetworkError';
  }
}

/** The answer did not have the documented shape. */
export class ProtocolError extends Error {
  readonly code = 'PROTOCOL';
  constructor() {
    super('unexpected response');
    this.name = 'ProtocolError';
  }
}

/** What the upload loop needs from the API client. */
export interface UploadApi {
  status(id: string): Promise<SubmissionStatus>;
  putPart(
    id: string,
    index: number,
    part: number,
    bytes: Uint8Array,
    digest: string | undefined,
    onProgress: (sent: number) => void,
  ): Promise<boolean>;
  finalize(id: string): Promise<void>;
}
