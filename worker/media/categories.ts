// Plain-word categories of identifying data, for the provenance record's `removed` list and for
// verification failures (which name categories and groups, never values).
import { normaliseKey } from './allowlist.js';

const RULES: Array<[category: string, test: (group: string, tag: string) => boolean]> = [
  [
    'location',
    (g, t) =>
      g === 'GPS' ||
      /GPS|Location|ISO6709|^loci$|LocationInformation|City|Country|Sub-?location|Province|State$/i.test(t) ||
      /xyz/i.test(t),
  ],
  [
    'serial numbers',
    (_g, t) => /Serial|UniqueID|BodyID|InternalSerial|ContentIdentifier|MediaUID|DeviceID/i.test(t),
  ],
  [
    'device',
    (_g, t) =>
      /^(Make|Model|LensMake|LensModel|Lens|CameraModelName|AndroidModel|AndroidManufacturer|UniqueCameraModel|DeviceManufacturer|DeviceModel|HostComputer)$/i.test(
        t,
      ),
  ],
  [
    'owner',
    (_g, t) =>
      /Artist|Author|Creator|Copyright|Owner|Rights|Byline|Credit|Photographer|Contact|Publisher/i.test(t),
  ],
  [
    'dates',
    (_g, t) =>
      /Date|Time(Stamp)?Original|TimeCreated|DigitalCreationTime|SubSecTime|OffsetTime/i.test(t) &&
      !/Duration/i.test(t),
  ],
  [
    'software',
    (_g, t) =>
      /^(Software|ProcessingSoftware|CreatorTool|Encoder|HistorySoftwareAgent|AndroidVersion)$/i.test(t),
  ],
  [
    'thumbnail',
    (g, t) =>
      g === 'MPF' ||
      /^(ThumbnailImage|ThumbnailTIFF|PreviewImage|PreviewPNG|PreviewTIFF|JpgFromRaw|OtherImage|EmbeddedImage|CoverArt|PosterImage|MPImage\d*|PreviewPICT)$/i.test(
        t,
      ),
  ],
  ['xmp', (g) => g.startsWith('XMP')],
  ['iptc', (g) => g === 'IPTC' || g.startsWith('IPTC')],
  [
    'maker notes',
    (g, t) =>
      /MakerNotes|^(Apple|Canon|Nikon|Samsung|Sony|FujiFilm|Olympus|Panasonic|Pentax|DJI|GoPro|Google|Motorola|Qualcomm)/i.test(
        g,
      ) || /MakerNote/i.test(t),
  ],
  [
    'comments',
    (_g, t) =>
      /Comment|Description|Caption|Title|Keywords|Subject|Headline|Label/i.test(t) &&
      !/^(HandlerDescription|ProfileDescription|ImageDescriptionLength)$/i.test(t),
  ],
  ['photoshop', (g) => g === 'Photoshop'],
  ['colour profile', (g) => g.startsWith('ICC')],
  [
    'embedded files',
    (g, t) =>
      /^(XMP-)?(GDepth|GImage|GContainer|Container)/.test(g) ||
      /EmbeddedVideo|MotionPhoto|MicroVideo|DepthMap/i.test(t),
  ],
];

const STRUCTURAL_GROUPS = new Set([
  'System',
  'ExifTool',
  'File',
  'Composite',
  'JFIF',
  'PNG',
  'RIFF',
  'GIF',
  'PNG-pHYs',
]);

/** Categories present in an exiftool -G1 tag set. */
export function categoriesOf(tags: Record<string, unknown>): string[] {
  const found = new Set<string>();
  for (const key of Object.keys(tags)) {
    if (key === 'SourceFile') continue;
    const [group = '', tag = ''] = normaliseKey(key).split(':');
    if (STRUCTURAL_GROUPS.has(group)) continue;
    for (const [category, test] of RULES) {
      if (test(group, tag)) found.add(category);
    }
  }
  return [...found].sort();
}
