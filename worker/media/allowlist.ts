// Per-format ALLOWLISTS of what exiftool and ffprobe may report in a sanitised output. Anything not
// listed fails verification (fail closed). Keys are exiftool 'Group:Tag' names (-G1), with TrackN
// normalised to 'Track'. A value rule narrows a tag to neutral values (e.g. dates must be zero).
// Always ignored: the 'System' group (the scratch file's own name, size, permissions and times, which
// describe our file, not the witness's) and 'ExifTool' (the reader's version).

export type OutputFamily = 'jpeg' | 'png' | 'webp' | 'gif' | 'mp4' | 'matroska';

export type ValueRule = true | ((value: unknown) => boolean);

const ZERO_DATE = (value: unknown) => value === '0000:00:00 00:00:00' || value === 0 || value === '0';
const BINARY_PLACEHOLDER = (value: unknown) => typeof value === 'string' && value.startsWith('(Binary data ');
const NEUTRAL =
  (...allowed: unknown[]) =>
  (value: unknown) =>
    allowed.includes(value);

const FILE: Record<string, ValueRule> = {
  'File:FileType': true,
  'File:FileTypeExtension': true,
  'File:MIMEType': true,
  'File:ImageWidth': true,
  'File:ImageHeight': true,
  'File:EncodingProcess': true,
  'File:BitsPerSample': true,
  'File:ColorComponents': true,
  'File:YCbCrSubSampling': true,
  'Composite:ImageSize': true,
  'Composite:Megapixels': true,
};

const PNG: Record<string, ValueRule> = {
  'PNG:ImageWidth': true,
  'PNG:ImageHeight': true,
  'PNG:BitDepth': true,
  'PNG:ColorType': true,
  'PNG:Compression': true,
  'PNG:Filter': true,
  'PNG:Interlace': true,
  'PNG:Palette': BINARY_PLACEHOLDER,
  'PNG:Transparency': true,
  'PNG:BackgroundColor': true,
  // Pixel density from libvips (72 dpi unless the source declared another): a number, not an identity.
  'PNG-pHYs:PixelsPerUnitX': true,
  'PNG-pHYs:PixelsPerUnitY': true,
  'PNG-pHYs:PixelUnits': true,
};

const WEBP: Record<string, ValueRule> = {
  'RIFF:VP8Version': true,
  'RIFF:ImageWidth': true,
  'RIFF:ImageHeight': true,
  'RIFF:HorizontalScale': true,
  'RIFF:VerticalScale': true,
  'RIFF:WebP_Flags': true,
  'RIFF:AlphaPreprocessing': true,
  'RIFF:AlphaFiltering': true,
  'RIFF:AlphaCompression': true,
  'RIFF:BackgroundColor': true,
  'RIFF:AnimationLoopCount': true,
  'RIFF:Duration': true,
  'RIFF:FrameCount': true,
};

const GIF: Record<string, ValueRule> = {
  'GIF:GIFVersion': true,
  'GIF:ImageWidth': true,
  'GIF:ImageHeight': true,
  'GIF:HasColorMap': true,
  'GIF:ColorResolutionDepth': true,
  'GIF:BitsPerPixel': true,
  'GIF:BackgroundColor': true,
  'GIF:AnimationIterations': true,
  'GIF:TransparentColor': true,
  'GIF:FrameCount': true,
  'GIF:Duration': true,
};

const QUICKTIME: Record<string, ValueRule> = {
  'QuickTime:MajorBrand': true,
  'QuickTime:MinorVersion': true,
  'QuickTime:CompatibleBrands': true,
  'QuickTime:MovieHeaderVersion': true,
  'QuickTime:CreateDate': ZERO_DATE,
  'QuickTime:ModifyDate': ZERO_DATE,
  'QuickTime:TimeScale': true,
  'QuickTime:Duration': true,
  'QuickTime:PreferredRate': true,
  'QuickTime:PreferredVolume': true,
  'QuickTime:MatrixStructure': true,
  'QuickTime:PreviewTime': true,
  'QuickTime:PreviewDuration': true,
  'QuickTime:PosterTime': true,
  'QuickTime:SelectionTime': true,
  'QuickTime:SelectionDuration': true,
  'QuickTime:CurrentTime': true,
  'QuickTime:NextTrackID': true,
  // ffmpeg's empty item-list handler ('mdir'/'appl'): the box exists, with no items in it.
  'QuickTime:HandlerType': NEUTRAL('mdir'),
  'QuickTime:HandlerVendorID': NEUTRAL('appl'),
  'QuickTime:Free': BINARY_PLACEHOLDER,
  'QuickTime:MediaDataSize': true,
  'QuickTime:MediaDataOffset': true,
  'QuickTime:MediaData': BINARY_PLACEHOLDER,
  'Track:TrackHeaderVersion': true,
  'Track:TrackCreateDate': ZERO_DATE,
  'Track:TrackModifyDate': ZERO_DATE,
  'Track:TrackID': true,
  'Track:TrackDuration': true,
  'Track:TrackLayer': true,
  'Track:TrackVolume': true,
  'Track:MatrixStructure': true,
  'Track:ImageWidth': true,
  'Track:ImageHeight': true,
  'Track:Unknown_edts': BINARY_PLACEHOLDER,
  'Track:MediaHeaderVersion': true,
  'Track:MediaCreateDate': ZERO_DATE,
  'Track:MediaModifyDate': ZERO_DATE,
  'Track:MediaTimeScale': true,
  'Track:MediaDuration': true,
  'Track:MediaLanguageCode': true,
  'Track:HandlerType': NEUTRAL('vide', 'soun'),
  'Track:HandlerDescription': NEUTRAL('VideoHandler', 'SoundHandler'),
  'Track:GraphicsMode': true,
  'Track:OpColor': true,
  'Track:Balance': true,
  'Track:CompressorID': true,
  'Track:SourceImageWidth': true,
  'Track:SourceImageHeight': true,
  'Track:XResolution': true,
  'Track:YResolution': true,
  'Track:BitDepth': true,
  'Track:AVCConfiguration': BINARY_PLACEHOLDER,
  'Track:HEVCConfiguration': BINARY_PLACEHOLDER,
  // hvcC: its content is checked separately (no SEI, no text) from ffprobe's dump of it.
  'Track:Unknown_hvcC': BINARY_PLACEHOLDER,
  'Track:VideoFieldOrder': true,
  // (sic: exiftool's spelling of the sdtp box)
  'Track:IdependentAndDisposableSamples': BINARY_PLACEHOLDER,
  'Track:HEVCConfigurationVersion': true,
  'Track:GeneralProfileSpace': true,
  'Track:GeneralTierFlag': true,
  'Track:GeneralProfileIDC': true,
  'Track:GenProfileCompatibilityFlags': true,
  'Track:ConstraintIndicatorFlags': true,
  'Track:GeneralLevelIDC': true,
  'Track:MinSpatialSegmentationIDC': true,
  'Track:ParallelismType': true,
  'Track:ChromaFormat': true,
  'Track:BitDepthLuma': true,
  'Track:BitDepthChroma': true,
  'Track:AverageFrameRate': true,
  'Track:ConstantFrameRate': true,
  'Track:NumTemporalLayers': true,
  'Track:TemporalIDNested': true,
  'Track:ColorProfiles': true,
  'Track:ColorPrimaries': true,
  'Track:TransferCharacteristics': true,
  'Track:MatrixCoefficients': true,
  'Track:VideoFullRangeFlag': true,
  'Track:PixelAspectRatio': true,
  'Track:CleanApertureDimensions': true,
  'Track:BufferSize': true,
  'Track:MaxBitrate': true,
  'Track:AverageBitrate': true,
  'Track:VideoFrameRate': true,
  'Track:AudioFormat': true,
  'Track:AudioChannels': true,
  'Track:AudioBitsPerSample': true,
  'Track:AudioSampleRate': true,
  'Track:Unknown_esds': BINARY_PLACEHOLDER,
  'Track:Unknown_btrt': BINARY_PLACEHOLDER,
  'Track:Unknown_dac3': BINARY_PLACEHOLDER,
  'Track:Unknown_dec3': BINARY_PLACEHOLDER,
  'Track:Unknown_dOps': BINARY_PLACEHOLDER,
  'Track:Unknown_av1C': BINARY_PLACEHOLDER,
  'Track:Unknown_vpcC': BINARY_PLACEHOLDER,
  'Track:Unknown_alac': BINARY_PLACEHOLDER,
  'Track:TimeToSampleTable': BINARY_PLACEHOLDER,
  'Track:CompositionTimeToSample': BINARY_PLACEHOLDER,
  'Track:SyncSampleTable': BINARY_PLACEHOLDER,
  'Track:SampleToChunk': BINARY_PLACEHOLDER,
  'Track:SampleSizes': BINARY_PLACEHOLDER,
  'Track:ChunkOffset': BINARY_PLACEHOLDER,
  'Track:ChunkOffset64': BINARY_PLACEHOLDER,
  'Track:SampleGroupDescription': BINARY_PLACEHOLDER,
  'Track:SampleToGroup': BINARY_PLACEHOLDER,
  'Track:SampleDependencyType': BINARY_PLACEHOLDER,
  'Composite:AvgBitrate': true,
  'Composite:Rotation': true,
};

const MATROSKA: Record<string, ValueRule> = {
  'Matroska:EBMLVersion': true,
  'Matroska:EBMLReadVersion': true,
  'Matroska:EBMLMaxIDLength': true,
  'Matroska:EBMLMaxSizeLength': true,
  'Matroska:DocType': true,
  'Matroska:DocTypeVersion': true,
  'Matroska:DocTypeReadVersion': true,
  'Matroska:SeekID': BINARY_PLACEHOLDER,
  'Matroska:SeekPosition': true,
  'Matroska:TimecodeScale': true,
  // With +bitexact ffmpeg writes the bare library name, no version, no date.
  'Matroska:MuxingApp': NEUTRAL('Lavf'),
  'Matroska:WritingApp': NEUTRAL('Lavf'),
  'Matroska:TagTrackUID': true,
  'Matroska:CRC-32': true,
  'Matroska:Duration': true,
  'Track:TrackNumber': true,
  'Track:TrackUID': true,
  'Track:TrackLacing': true,
  'Track:TrackLanguage': true,
  'Track:TrackDefault': true,
  'Track:TrackForced': true,
  'Track:CodecID': true,
  'Track:CodecPrivate': BINARY_PLACEHOLDER,
  'Track:TrackType': true,
  'Track:VideoFrameRate': true,
  'Track:DefaultDuration': true,
  'Track:ImageWidth': true,
  'Track:ImageHeight': true,
  'Track:DisplayWidth': true,
  'Track:DisplayHeight': true,
  'Track:DisplayUnit': true,
  'Track:VideoScanType': true,
  'Track:AudioChannels': true,
  'Track:AudioSampleRate': true,
  'Track:OutputAudioSampleRate': true,
  'Track:AudioBitsPerSample': true,
  // Colour (0x55B0 / printed 0x15b0), CodecDelay (0x56AA), SeekPreRoll (0x56BB): structural numbers.
  'Track:Matroska_0x15b0': true,
  'Track:Matroska_0x16aa': true,
  'Track:Matroska_0x16bb': true,
  'Composite:ImageSize': true,
  'Composite:Megapixels': true,
};

export const EXIF_ALLOWLISTS: Record<OutputFamily, Record<string, ValueRule>> = {
  jpeg: { ...FILE },
  png: { ...FILE, ...PNG },
  webp: { ...FILE, ...WEBP },
  gif: { ...FILE, ...GIF },
  mp4: { ...FILE, ...QUICKTIME },
  matroska: { ...FILE, ...MATROSKA },
};

export const IGNORED_GROUPS = new Set(['System', 'ExifTool']);

/** ffprobe: tags a kept stream may carry, with the neutral values ffmpeg writes. */
export const STREAM_TAG_ALLOWLIST: Record<string, ValueRule> = {
  language: true,
  handler_name: NEUTRAL('VideoHandler', 'SoundHandler'),
  vendor_id: NEUTRAL('[0][0][0][0]'),
  DURATION: true,
};

/** ffprobe: container-level tags allowed in the output. */
export const FORMAT_TAG_ALLOWLIST: Record<string, ValueRule> = {
  major_brand: true,
  minor_version: true,
  compatible_brands: true,
  encoder: NEUTRAL('Lavf'),
};

export function normaliseKey(key: string): string {
  return key.replace(/^Track\d+:/, 'Track:');
}
