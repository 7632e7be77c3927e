// Shapes shared by the media modules and the pipeline that calls sanitizeFile.

export type MediaKind = 'image' | 'video';

/** One tool run, recorded exactly in the provenance record. */
export interface ToolRun {
  name: string;
  version: string;
  args: string[];
}

export interface SanitizeSuccess {
  ok: true;
  outputPath: string;
  mediaType: string;
  kind: MediaKind;
  /** Plain-word categories of identifying data found in the input and not present in the output. */
  removed: string[];
  tool: ToolRun[];
}
export type SanitizeResult = SanitizeSuccess;

/** Limits applied to one decoder/encoder child process. */
export interface ProcessLimits {
  /** CPU seconds (RLIMIT_CPU). */
  cpuSeconds: number;
  /** Memory in bytes: RLIMIT_AS for native tools, RLIMIT_DATA for Node children (V8/WebAssembly reserve address space). */
  memoryBytes: number;
  /** Largest file the process may write (RLIMIT_FSIZE). */
  outputBytes: number;
  /** Wall-clock limit; the process group is killed after it. */
  wallMs: number;
}

export interface MediaLimits {
  /** Largest input accepted at all. */
  maxInputBytes: number;
  /** Largest image accepted (images are checked and decoded in memory; videos are streamed). */
  maxImageBytes: number;
  /** sharp's limitInputPixels and the HEIC pre-decode check (width × height). */
  maxPixels: number;
  image: ProcessLimits;
  video: ProcessLimits;
  /** exiftool and ffprobe runs. */
  reader: ProcessLimits;
}
