// The part of libheif-js (libheif compiled to WebAssembly) that the image child uses.
declare module 'libheif-js/wasm-bundle.js' {
  interface HeifImageHandle {
    get_width(): number;
    get_height(): number;
    is_primary(): boolean;
    has_alpha_channel(): boolean;
    display(
      target: { data: Uint8ClampedArray; width: number; height: number },
      callback: (result: { data: Uint8ClampedArray; width: number; height: number } | null) => void,
    ): void;
    free(): void;
  }
  interface HeifDecoderInstance {
    decoder: { delete(): void } | number | null;
    decode(bytes: Uint8Array): HeifImageHandle[];
  }
  interface LibHeif {
    ready?: Promise<unknown>;
    HeifDecoder: new () => HeifDecoderInstance;
    heif_get_version(): string;
    heif_context_free(context: unknown): void;
  }
  const libheif: LibHeif;
  export default libheif;
}
