/**
 * This device at the door: a random id it uploads offline scans under (so
 * the server can tell two gates' scans apart), and the name of its gate,
 * typed once by the staff and kept on the device.
 */
import { byId } from "../shell/page";

const GATE_KEY = "edge-tickets-door-gate";
const DEVICE_KEY = "edge-tickets-door-device";

let device = "";

/** A gate's name as the API takes it: 1-40 letters, digits, spaces or . _ # - */
const cleanGate = (text: string | null): string =>
  String(text || "")
    .replace(/[^\p{L}\p{N} ._#-]/gu, "")
    .trim()
    .slice(0, 40) || "Main gate";

/** Makes the device id if this device has none yet, and fills in the kept gate name. */
export function setUpDevice(): void {
  device = localStorage.getItem(DEVICE_KEY) ?? "";
  if (!device) {
    device = `dev_${Array.from(crypto.getRandomValues(new Uint8Array(9)), (b) => b.toString(16).padStart(2, "0")).join("")}`;
    localStorage.setItem(DEVICE_KEY, device);
  }
  const input = byId<HTMLInputElement>("gate");
  input.value = cleanGate(localStorage.getItem(GATE_KEY));
  input.addEventListener("change", () => {
    input.value = cleanGate(input.value);
    localStorage.setItem(GATE_KEY, input.value);
  });
}

export const deviceId = (): string => device;

export const gate = (): string => cleanGate(byId<HTMLInputElement>("gate").value);
