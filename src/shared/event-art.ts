/**
 * Generated art for events without an uploaded image: one deterministic SVG
 * per event type in ARTS.length colourways (concert light beams, a sports
 * pitch, theatre curtains, a comedy club's brick wall and microphone,
 * family balloons, festival bunting, a conference's network of dots). No
 * text (it is the same picture in every language), no script, no external
 * reference: a picture drawn from numbers.
 *
 * Every event shows its type's art until its organizer uploads an image, so
 * the demo catalog (and a million-event benchmark catalog) has pictures with
 * nothing stored anywhere: the art is made by the Worker on request and is
 * cacheable forever, because its URL carries a hash of everything drawn
 * (`/images/art/<type>-<variant>.<version>.svg`). Why not in R2:
 * docs/images.md.
 *
 * Imports nothing at runtime (types only), so it is also safe in a page
 * script, though none needs it.
 */
import { prng } from "./prng";
import type { EventType } from "./catalog";
import { IMAGES_PATH, uploadedImageUrl } from "./image-urls";

export const ART_WIDTH = 1200;
export const ART_HEIGHT = 675;
/** Colourways per type: an event's is chosen by its id, so neighbouring results differ. */
export const ART_VARIANTS = 6;

type Draw = (random: () => number, colour: Colourway) => string;

interface Colourway {
  /** gradient from, to; two accents; the lines' colour */
  from: string;
  to: string;
  accent: string;
  second: string;
  line: string;
}

/** The base hue of each type's background and its motif. */
const ARTS: Record<EventType, { hue: number; draw: Draw }> = {
  concert: { hue: 265, draw: concert },
  sports: { hue: 135, draw: sports },
  theater: { hue: 350, draw: theater },
  comedy: { hue: 25, draw: comedy },
  family: { hue: 195, draw: family },
  festival: { hue: 45, draw: festival },
  conference: { hue: 215, draw: conference },
};

const isArtType = (type: string): type is EventType => Object.hasOwn(ARTS, type);

/** The SVG of one type's art in one colourway; undefined for a type with none. */
export function eventArtSvg(type: string, variant: number): string | undefined {
  if (!isArtType(type) || !Number.isInteger(variant) || variant < 0 || variant >= ART_VARIANTS) return undefined;
  const art = ARTS[type];
  const hue = (art.hue + variant * 23) % 360;
  const colour: Colourway = {
    from: hsl(hue, 62, 22),
    to: hsl(hue + 35, 70, 42),
    accent: hsl(hue + 180, 85, 66),
    second: hsl(hue + 120, 80, 60),
    line: "#ffffff",
  };
  const random = prng(fnv1a(`${type}:${variant}`));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${ART_WIDTH} ${ART_HEIGHT}" width="${ART_WIDTH}" height="${ART_HEIGHT}">`,
    `<defs><linearGradient id="bg" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${colour.from}"/><stop offset="1" stop-color="${colour.to}"/></linearGradient></defs>`,
    `<rect width="${ART_WIDTH}" height="${ART_HEIGHT}" fill="url(#bg)"/>`,
    art.draw(random, colour),
    "</svg>",
  ].join("");
}

let version: string | undefined;
/** A hash of every picture drawn: changes whenever any drawing does, so art URLs can be cached for a year. */
export function artVersion(): string {
  if (version === undefined) {
    let all = "";
    for (const type of Object.keys(ARTS)) for (let v = 0; v < ART_VARIANTS; v++) all += eventArtSvg(type, v) ?? "";
    version = fnv1a(all).toString(36);
  }
  return version;
}

/** The art of an event that has no image of its own. */
export const artUrl = (type: string, eventId: string): string => `${IMAGES_PATH}art/${type}-${fnv1a(eventId) % ART_VARIANTS}.${artVersion()}.svg`;

/** The picture fans see for an event: its organizer's upload, else its type's art. */
export const eventImageUrl = (event: { id: string; type: string; imageKey: string | null }): string =>
  event.imageKey ? uploadedImageUrl(event.imageKey) : artUrl(event.type, event.id);

/** `art/<type>-<variant>.<version>.svg` as served: which art, its ETag, and whether the version asked for is today's. */
export function parseArtPath(path: string): { svg: string; etag: string; current: boolean } | undefined {
  const match = /^art\/([a-z]{1,20})-(\d)\.([0-9a-z]{1,12})\.svg$/.exec(path);
  if (!match?.[1] || !match[2] || !match[3]) return undefined;
  const svg = eventArtSvg(match[1], Number(match[2]));
  return svg === undefined ? undefined : { svg, etag: `"art-${fnv1a(svg).toString(36)}"`, current: match[3] === artVersion() };
}

// The motifs. Coordinates are rounded: the files stay small and identical everywhere.

function concert(random: () => number, c: Colourway): string {
  let out = "";
  for (let i = 0; i < 5; i++) {
    const x = 150 + i * 225 + (random() - 0.5) * 80;
    const spread = 90 + random() * 120;
    out += `<polygon points="${r(x)},0 ${r(x - spread)},${ART_HEIGHT} ${r(x + spread)},${ART_HEIGHT}" fill="${i % 2 ? c.accent : c.second}" opacity=".18"/>`;
  }
  const bars = 24;
  const width = ART_WIDTH / bars;
  for (let i = 0; i < bars; i++) {
    const h = 40 + random() * 220;
    out += `<rect x="${r(i * width + 6)}" y="${r(ART_HEIGHT - h)}" width="${r(width - 12)}" height="${r(h)}" rx="6" fill="${c.line}" opacity=".55"/>`;
  }
  out += `<circle cx="${r(300 + random() * 600)}" cy="170" r="60" fill="${c.accent}" opacity=".8"/>`;
  return out;
}

function sports(random: () => number, c: Colourway): string {
  let out = "";
  for (let i = 0; i < 12; i++) out += `<rect x="${i * 100}" y="0" width="50" height="${ART_HEIGHT}" fill="${c.line}" opacity=".05"/>`;
  const stroke = `fill="none" stroke="${c.line}" stroke-width="6" opacity=".7"`;
  out += `<rect x="80" y="60" width="1040" height="555" rx="8" ${stroke}/>`;
  out += `<line x1="600" y1="60" x2="600" y2="615" ${stroke}/>`;
  out += `<circle cx="600" cy="337" r="95" ${stroke}/>`;
  out += `<rect x="80" y="197" width="150" height="280" ${stroke}/><rect x="970" y="197" width="150" height="280" ${stroke}/>`;
  out += `<circle cx="${r(250 + random() * 700)}" cy="${r(150 + random() * 375)}" r="22" fill="${c.accent}"/>`;
  return out;
}

function theater(random: () => number, c: Colourway): string {
  let out = `<rect x="0" y="0" width="${ART_WIDTH}" height="70" fill="${c.from}"/>`;
  for (let side = 0; side < 2; side++) {
    const folds = 6;
    for (let i = 0; i < folds; i++) {
      const x = side === 0 ? i * 55 : ART_WIDTH - (i + 1) * 55;
      const sway = (random() - 0.5) * 40;
      const inner = side === 0 ? x + 55 + 120 - i * 18 : x - 120 + i * 18;
      out += `<path d="M${x} 0 L${x + 55} 0 Q${r(inner + sway)} ${r(ART_HEIGHT * 0.6)} ${x + 55} ${ART_HEIGHT} L${x} ${ART_HEIGHT} Z" fill="${i % 2 ? c.accent : c.second}" opacity="${(0.55 + i * 0.06).toFixed(2)}"/>`;
    }
  }
  out += `<ellipse cx="600" cy="640" rx="330" ry="40" fill="${c.line}" opacity=".25"/>`;
  for (let i = 0; i < 12; i++) out += `<path d="M${i * 100} 70 Q${i * 100 + 50} 130 ${i * 100 + 100} 70" fill="${c.accent}" opacity=".8"/>`;
  return out;
}

function comedy(random: () => number, c: Colourway): string {
  // A brick wall: two courses, the second offset by half a brick, repeated.
  let out = `<pattern id="bricks" width="120" height="100" patternUnits="userSpaceOnUse"><rect x="4" y="4" width="112" height="42" rx="3" fill="${c.line}" opacity=".1"/><rect x="-56" y="54" width="112" height="42" rx="3" fill="${c.line}" opacity=".07"/><rect x="64" y="54" width="112" height="42" rx="3" fill="${c.line}" opacity=".07"/></pattern>`;
  out += `<rect width="${ART_WIDTH}" height="${ART_HEIGHT}" fill="url(#bricks)"/>`;
  out += `<circle cx="${r(560 + random() * 80)}" cy="330" r="250" fill="${c.accent}" opacity=".28"/>`;
  out += `<rect x="565" y="170" width="70" height="120" rx="35" fill="${c.line}" opacity=".9"/>`;
  out += `<path d="M545 250 Q545 330 600 330 Q655 330 655 250" fill="none" stroke="${c.line}" stroke-width="10" opacity=".9"/>`;
  out += `<line x1="600" y1="330" x2="600" y2="560" stroke="${c.line}" stroke-width="10" opacity=".9"/>`;
  out += `<line x1="530" y1="560" x2="670" y2="560" stroke="${c.line}" stroke-width="10" stroke-linecap="round" opacity=".9"/>`;
  return out;
}

function family(random: () => number, c: Colourway): string {
  let out = "";
  const colours = [c.accent, c.second, c.line];
  for (let i = 0; i < 9; i++) {
    const x = 90 + i * 128 + (random() - 0.5) * 60;
    const y = 140 + random() * 240;
    const colour = colours[i % colours.length];
    out += `<path d="M${r(x)} ${r(y + 78)} Q${r(x + 30)} ${r(y + 180)} ${r(x - 10)} ${ART_HEIGHT}" fill="none" stroke="${c.line}" stroke-width="3" opacity=".6"/>`;
    out += `<ellipse cx="${r(x)}" cy="${r(y)}" rx="58" ry="74" fill="${colour}" opacity=".85"/>`;
    out += `<ellipse cx="${r(x - 20)}" cy="${r(y - 28)}" rx="12" ry="20" fill="#ffffff" opacity=".35"/>`;
  }
  return out;
}

function festival(random: () => number, c: Colourway): string {
  let out = `<circle cx="${r(200 + random() * 800)}" cy="520" r="190" fill="${c.accent}" opacity=".45"/>`;
  const colours = [c.accent, c.second, c.line];
  for (let line = 0; line < 3; line++) {
    const y = 80 + line * 140;
    const sag = 60 + random() * 40;
    out += `<path d="M0 ${y} Q600 ${r(y + sag * 2)} ${ART_WIDTH} ${y}" fill="none" stroke="${c.line}" stroke-width="3" opacity=".7"/>`;
    for (let i = 0; i < 15; i++) {
      const t = (i + 0.5) / 15;
      const x = t * ART_WIDTH;
      // The point on the quadratic curve at t, so each flag hangs from the string.
      const top = (1 - t) * (1 - t) * y + 2 * (1 - t) * t * (y + sag * 2) + t * t * y;
      out += `<polygon points="${r(x - 28)},${r(top)} ${r(x + 28)},${r(top)} ${r(x)},${r(top + 62)}" fill="${colours[(i + line) % colours.length]}" opacity=".9"/>`;
    }
  }
  return out;
}

function conference(random: () => number, c: Colourway): string {
  const points = Array.from({ length: 22 }, () => [60 + random() * 1080, 60 + random() * 555] as const);
  let out = "";
  for (let i = 0; i < points.length; i++) {
    for (let j = i + 1; j < points.length; j++) {
      const [ax, ay] = points[i] ?? [0, 0];
      const [bx, by] = points[j] ?? [0, 0];
      if (Math.hypot(ax - bx, ay - by) < 260) out += `<line x1="${r(ax)}" y1="${r(ay)}" x2="${r(bx)}" y2="${r(by)}" stroke="${c.line}" stroke-width="2" opacity=".35"/>`;
    }
  }
  points.forEach(([x, y], i) => {
    out += `<circle cx="${r(x)}" cy="${r(y)}" r="${i % 5 === 0 ? 18 : 9}" fill="${i % 5 === 0 ? c.accent : c.line}" opacity=".9"/>`;
  });
  return out;
}

const r = (n: number): number => Math.round(n);

/** `#rrggbb` of an HSL colour (hue wraps; saturation and lightness in percent). */
function hsl(hue: number, saturation: number, lightness: number): string {
  const h = (((hue % 360) + 360) % 360) / 360;
  const s = saturation / 100;
  const l = lightness / 100;
  const q = l < 0.5 ? l * (1 + s) : l + s - l * s;
  const p = 2 * l - q;
  const channel = (t: number) => {
    const x = t < 0 ? t + 1 : t > 1 ? t - 1 : t;
    const v = x < 1 / 6 ? p + (q - p) * 6 * x : x < 1 / 2 ? q : x < 2 / 3 ? p + (q - p) * (2 / 3 - x) * 6 : p;
    return Math.round(v * 255)
      .toString(16)
      .padStart(2, "0");
  };
  return `#${channel(h + 1 / 3)}${channel(h)}${channel(h - 1 / 3)}`;
}

/** FNV-1a over a string's UTF-16 units. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
