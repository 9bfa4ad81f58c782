/**
 * A camera that films a QR code, for browser journeys at the door: Chromium's
 * fake capture device plays a Y4M file, and this writes one whose picture is
 * the QR code of a given text (black modules on white, the standard quiet
 * zone). Each browser launched with `launchWithCamera` films its own file.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser } from "playwright-core";
import QRCode from "qrcode";
import { CHROMIUM } from "./browser";

const WIDTH = 640;
const HEIGHT = 480;

/** A one-frame Y4M video (4:2:0) of the QR code of `text`; returns its path. */
export function qrVideo(text: string, name: string): string {
  const modules = QRCode.create(text, { errorCorrectionLevel: "M" }).modules;
  const margin = 4;
  const scale = Math.floor(Math.min(WIDTH, HEIGHT) / (modules.size + 2 * margin));
  if (scale < 2) throw new Error(`a QR code of ${modules.size} modules does not fit a ${WIDTH}x${HEIGHT} frame`);
  const luma = Buffer.alloc(WIDTH * HEIGHT, 255);
  const left = Math.floor((WIDTH - modules.size * scale) / 2);
  const top = Math.floor((HEIGHT - modules.size * scale) / 2);
  for (let y = 0; y < modules.size; y++) {
    for (let x = 0; x < modules.size; x++) {
      if (!modules.get(y, x)) continue;
      for (let dy = 0; dy < scale; dy++) luma.fill(0, (top + y * scale + dy) * WIDTH + left + x * scale, (top + y * scale + dy) * WIDTH + left + (x + 1) * scale);
    }
  }
  // No colour: both chroma planes at their middle value.
  const chroma = Buffer.alloc((WIDTH / 2) * (HEIGHT / 2) * 2, 128);
  const file = path.resolve("test-results", `${name}.y4m`);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, Buffer.concat([Buffer.from(`YUV4MPEG2 W${WIDTH} H${HEIGHT} F10:1 Ip A1:1 C420jpeg\nFRAME\n`), luma, chroma]));
  return file;
}

/** Debian's Chromium whose camera films `video` (and asks no permission for it). */
export function launchWithCamera(video: string): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--use-fake-ui-for-media-stream",
      "--use-fake-device-for-media-stream",
      `--use-file-for-fake-video-capture=${video}`,
    ],
  });
}
