/**
 * The camera panel: "Start camera" / "Stop camera", and in words why a
 * camera could not be opened (no https, blocked, none), pointing the staff
 * to typing codes instead.
 */
import { decodePass } from "../../shared/ticket-codes";
import { byId, say } from "../shell/page";
import { startScanner } from "./scanner";
import type { Scanner } from "./scanner";
import { unlockAudio } from "./verdict";

let camera: Scanner | null = null;

/** The same ticket held up is one scan, even when its code rotates meanwhile. */
function ticketOf(text: string): string {
  const claims = decodePass(text.trim().split("~")[0] ?? "");
  return claims ? claims.t : text;
}

async function startCamera(onCode: (code: string) => Promise<void>): Promise<void> {
  const video = byId<HTMLVideoElement>("camera");
  const button = byId<HTMLButtonElement>("camera-toggle");
  const message = byId("camera-message");
  unlockAudio();
  button.disabled = true;
  try {
    camera = await startScanner(video, onCode, ticketOf);
  } catch (error) {
    // getUserMedia rejects with a DOMException; the checks above throw Errors.
    const named = error instanceof DOMException || error instanceof Error ? error : null;
    const name = named?.name;
    const detail = named?.message;
    say(
      message,
      name === "NotSupportedError"
        ? "This browser cannot use a camera on this page (it needs a secure https address). Type or paste codes below."
        : name === "NotAllowedError" || name === "SecurityError"
          ? "The camera is blocked for this page: allow it in the browser's site settings, or type codes below."
          : `No camera could be opened (${detail || "unknown error"}). Type or paste codes below.`,
      "error",
    );
    return;
  } finally {
    button.disabled = false;
  }
  video.hidden = false;
  video.dataset.decoder = camera.decoder;
  button.textContent = "Stop camera";
  say(message, "Camera on: hold the ticket's code in front of it.", "notice");
}

function stopCamera(): void {
  camera?.stop();
  camera = null;
  byId("camera").hidden = true;
  byId("camera-toggle").textContent = "Start camera";
  say(byId("camera-message"), "");
}

/** Wires the camera button: each code the camera reads goes to `onCode`. */
export function setUpCamera(onCode: (code: string) => Promise<void>): void {
  byId("camera-toggle").addEventListener("click", () => (camera ? stopCamera() : void startCamera(onCode)));
}
