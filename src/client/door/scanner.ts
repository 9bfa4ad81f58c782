/**
 * The door's camera: films with the back camera and reads QR codes from the
 * video, with the browser's BarcodeDetector where it has one and jsQR on
 * frames drawn into a canvas otherwise (Firefox, Debian's Chromium, older
 * Safari).
 *
 * A code held in front of the camera is one scan: `onCode` is called when a
 * code comes into view, and not again for the same `keyOf(text)` (the door
 * passes the ticket id, so a code that rotates while held up is still one
 * scan) until it has been out of view for a moment. Frames are not read
 * while `onCode` runs.
 */
import jsQR from "jsqr";

const SAME_CODE_MS = 2500;
const FRAME_GAP_MS = 120;

/** The Shape Detection API's BarcodeDetector, where the browser has one (not in TypeScript's DOM types). */
interface BarcodeDetector {
  detect(source: HTMLVideoElement): Promise<Array<{ rawValue: string }>>;
}
interface BarcodeDetectorClass {
  new (options: { formats: string[] }): BarcodeDetector;
  getSupportedFormats(): Promise<string[]>;
}

export interface Scanner {
  decoder: "BarcodeDetector" | "jsQR";
  stop(): void;
}

async function qrDetector(): Promise<BarcodeDetector | null> {
  const Detector = (window as { BarcodeDetector?: BarcodeDetectorClass }).BarcodeDetector;
  if (!Detector) return null;
  try {
    return (await Detector.getSupportedFormats()).includes("qr_code") ? new Detector({ formats: ["qr_code"] }) : null;
  } catch {
    return null;
  }
}

/** Starts filming into `video`; rejects as getUserMedia does (error.name NotAllowedError: the camera is blocked). */
export async function startScanner(video: HTMLVideoElement, onCode: (text: string) => Promise<void>, keyOf: (text: string) => string): Promise<Scanner> {
  if (!navigator.mediaDevices?.getUserMedia) {
    const error = new Error("this page cannot use a camera (it needs a secure https address)");
    error.name = "NotSupportedError";
    throw error;
  }
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment", width: { ideal: 1280 }, height: { ideal: 720 } }, audio: false });
  video.srcObject = stream;
  await video.play().catch(() => {});
  const detector = await qrDetector();
  const canvas = document.createElement("canvas");
  let running = true;

  async function readFrame(): Promise<string | null> {
    if (video.readyState < 2 || !video.videoWidth) return null;
    if (detector) {
      const found = await detector.detect(video);
      return found[0]?.rawValue ?? null;
    }
    // Dense codes (a rotating code is ~450 characters) need the frame near full size.
    const scale = Math.min(1, 960 / Math.max(video.videoWidth, video.videoHeight));
    const w = Math.round(video.videoWidth * scale);
    const h = Math.round(video.videoHeight * scale);
    if (canvas.width !== w || canvas.height !== h) {
      canvas.width = w;
      canvas.height = h;
    }
    const ctx = canvas.getContext("2d", { willReadFrequently: true });
    if (!ctx) return null;
    ctx.drawImage(video, 0, 0, w, h);
    const found = jsQR(ctx.getImageData(0, 0, w, h).data, w, h, { inversionAttempts: "dontInvert" });
    return found?.data ? found.data : null;
  }

  async function watch(): Promise<void> {
    let last = { key: "", at: 0 };
    while (running) {
      let text: string | null = null;
      try {
        text = await readFrame();
      } catch {
        // A frame the decoder could not take: the next one.
      }
      if (text && running) {
        const key = keyOf(text);
        const now = Date.now();
        const again = key === last.key && now - last.at < SAME_CODE_MS;
        last = { key, at: now };
        if (!again) {
          try {
            await onCode(text);
          } catch {
            // onCode shows its own errors.
          }
          last.at = Date.now();
        }
      }
      await new Promise((resolve) => setTimeout(resolve, FRAME_GAP_MS));
    }
  }
  void watch();

  return {
    decoder: detector ? "BarcodeDetector" : "jsQR",
    stop() {
      running = false;
      for (const track of stream.getTracks()) track.stop();
      video.srcObject = null;
    },
  };
}
