/**
 * Where event images live and how pages ask for them (docs/images.md).
 * Shared by the Worker and the browser, so it imports nothing at runtime.
 *
 * - An organizer's upload is one R2 object (binding EVENT_IMAGES) under
 *   `events/<eventId>/<sha256 prefix>.<ext>`: the key names its content,
 *   so its URL `/images/<key>` never changes meaning and is cached for a
 *   year. A new image is a new key; the old object is deleted.
 * - An event without one shows its type's generated art
 *   (`/images/art/<type>-<variant>.<version>.svg`, src/shared/event-art.ts).
 * - Pages are sized for phones: with Cloudflare's image transformations on
 *   (IMAGE_RESIZING = "on"), an upload is offered in several widths through
 *   `/cdn-cgi/image/…`; without them (local development, a zone that has not
 *   enabled them) the original is served, as uploaded.
 */

/** The path every image is served under (workers/api/images/image-delivery.ts). */
export const IMAGES_PATH = "/images/";

/** What an upload may be: raster formats only (an SVG from a stranger can carry script). */
export const IMAGE_TYPES = {
  "image/jpeg": "jpg",
  "image/png": "png",
  "image/webp": "webp",
} as const;
export type ImageType = keyof typeof IMAGE_TYPES;
export type ImageExtension = (typeof IMAGE_TYPES)[ImageType];

/** The largest upload (2 MiB): a phone photo re-saved for the web, never a camera's raw file. */
export const MAX_IMAGE_BYTES = 2 * 1024 * 1024;

/** An uploaded image's key: the event, then 32 hex digits of the content's SHA-256. */
export const UPLOAD_KEY_PATTERN = /^events\/[a-z]{2}_[0-9a-z]{1,40}\/[0-9a-f]{32}\.(jpg|png|webp)$/;

export const isImageType = (type: string): type is ImageType => Object.hasOwn(IMAGE_TYPES, type);

export const uploadKey = (eventId: string, hashHex: string, extension: ImageExtension): string => `events/${eventId}/${hashHex.slice(0, 32)}.${extension}`;

export const uploadedImageUrl = (key: string): string => `${IMAGES_PATH}${key}`;

/** Whether an event's `imageUrl` is an organizer's upload (rather than its type's art). */
export const isUploadedImageUrl = (url: string): boolean => url.startsWith(`${IMAGES_PATH}events/`);

/** The picture's shape on every page: 16:9, cropped to fit (object-fit: cover; fit=crop when resized). */
export const IMAGE_RATIO = { width: 16, height: 9 } as const;

/** One width of an upload through Cloudflare's image transformations: cropped to 16:9, never enlarged, metadata (EXIF, GPS) dropped. */
export function resizedUrl(url: string, width: number): string {
  const height = Math.round((width * IMAGE_RATIO.height) / IMAGE_RATIO.width);
  return `/cdn-cgi/image/width=${width},height=${height},fit=crop,format=auto,quality=80,metadata=none${url}`;
}

/** The `src`, `srcset` and `sizes` of an <img>. */
export interface ImageSources {
  src: string;
  srcset?: string;
  sizes?: string;
}

/**
 * How a page asks for an image shown `sizes` wide: an upload in each of
 * `widths` when resizing is on (the browser picks by its screen), else the
 * original; generated art is SVG and needs one size only.
 */
export function responsiveSources(url: string, options: { resizing: boolean; widths: readonly number[]; sizes: string }): ImageSources {
  const widths = [...options.widths].sort((a, b) => a - b);
  const smallest = widths[0];
  if (!options.resizing || !isUploadedImageUrl(url) || smallest === undefined) return { src: url };
  // The fallback for a browser without srcset: the second-smallest width, good on most phones.
  const fallback = widths[1] ?? smallest;
  return {
    src: resizedUrl(url, fallback),
    srcset: widths.map((w) => `${resizedUrl(url, w)} ${w}w`).join(", "),
    sizes: options.sizes,
  };
}
