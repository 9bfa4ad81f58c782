/**
 * The verdict the staff act on: ADMIT or REJECT in large type with the seat
 * and the reason, a tone and a vibration (staff watch the fan, not the
 * screen), spoken by screen readers (#verdict is an assertive live region).
 * A verdict stays until the next scan, dimmed after a while so a new one
 * stands out.
 */
import { byId } from "../shell/page";
import { gate } from "./device";
import { time } from "./words";

type Kind = "admit" | "reject" | "checking";

let audio: AudioContext | null = null;
let calm: ReturnType<typeof setTimeout> | undefined;

/** Makes the audio context during a tap (browsers only let sound start from a user's gesture). */
export function unlockAudio(): void {
  try {
    audio = audio || new AudioContext();
  } catch {
    // No sound on this browser: the screen and vibration still tell.
  }
}

function signal(admit: boolean): void {
  try {
    audio = audio || new AudioContext();
    const tone = audio.createOscillator();
    const gain = audio.createGain();
    tone.type = admit ? "sine" : "square";
    tone.frequency.value = admit ? 880 : 220;
    gain.gain.value = 0.12;
    tone.connect(gain).connect(audio.destination);
    tone.start();
    tone.stop(audio.currentTime + (admit ? 0.15 : 0.5));
  } catch {
    // No sound on this browser.
  }
  if ("vibrate" in navigator) navigator.vibrate(admit ? 80 : [200, 100, 200]);
}

export function verdict(kind: Kind, word: string, seat: string, reason: string, how: string): void {
  const box = byId("verdict");
  box.className = `verdict ${kind}`;
  box.dataset.verdict = kind;
  const line = (name: string) => box.querySelector<HTMLElement>(`.verdict-${name}`);
  const [w, s, r, m] = [line("word"), line("seat"), line("reason"), line("meta")];
  if (w) w.textContent = word;
  if (s) s.textContent = seat || "";
  if (r) r.textContent = reason || "";
  if (m) m.textContent = how ? `${gate()} · ${time(new Date().toISOString())} · ${how}` : "";
  if (kind === "admit" || kind === "reject") signal(kind === "admit");
  clearTimeout(calm);
  if (kind === "admit" || kind === "reject") calm = setTimeout(() => box.classList.add("old"), 6000);
}

export const admit = (seat: string, how: string): void => verdict("admit", "ADMIT", seat, "", how);
export const reject = (seat: string, reason: string, how: string): void => verdict("reject", "REJECT", seat, reason, how);
