/** @jsxImportSource hono/jsx */
/**
 * An event's picture on a page: 16:9 with its width and height set (the
 * page never moves when it arrives), a `srcset` of widths when Cloudflare
 * resizes (IMAGE_RESIZING = "on"), the original otherwise; lazy below the
 * fold. The alt text is empty: the picture sits next to the event's name and
 * says nothing more (an upload comes with no description, the art is
 * decoration).
 */
import { IMAGE_RATIO, responsiveSources } from "../../../src/shared/image-urls";

/** Where a picture is shown: the widths offered and how wide the page draws it (`sizes`). */
const PLACES = {
  // A search result's thumbnail (styles.ts: 7.5rem on phones, 12rem from 40rem up).
  result: { width: 320, widths: [160, 240, 320, 480], sizes: "(min-width: 40rem) 12rem, 7.5rem" },
  // The event page's banner: the page's width up to 72rem.
  banner: { width: 1200, widths: [480, 768, 1080, 1440, 1920], sizes: "(min-width: 72rem) 70rem, calc(100vw - 2rem)" },
} as const;

export function EventImage(props: { url: string; place: keyof typeof PLACES; env: Pick<Env, "IMAGE_RESIZING">; eager?: boolean }) {
  const place = PLACES[props.place];
  const sources = responsiveSources(props.url, { resizing: props.env.IMAGE_RESIZING === "on", widths: place.widths, sizes: place.sizes });
  const height = Math.round((place.width * IMAGE_RATIO.height) / IMAGE_RATIO.width);
  return (
    <img
      class={`event-image ${props.place}-image`}
      src={sources.src}
      srcset={sources.srcset}
      sizes={sources.sizes}
      width={place.width}
      height={height}
      alt=""
      decoding="async"
      loading={props.eager ? "eager" : "lazy"}
      fetchpriority={props.eager ? "high" : undefined}
    />
  );
}
