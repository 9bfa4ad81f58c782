/**
 * The door page (/door/:eventId): door staff scan tickets with the camera
 * or type codes, and see ADMIT or REJECT. It loads the event's door kit,
 * checks each code (door/check.ts: the server's answer wins; offline, the
 * kit's), uploads the scans it admitted offline (door/sync.ts), and keeps
 * working through a patchy network: the kit and the scans are kept on the
 * device (door/state.ts) and the page by the offline service worker
 * (`/door/sw.js`). See docs/after-sale.md, "The door page".
 */
import { setUpCamera } from "../door/camera";
import { check } from "../door/check";
import { setUpDevice } from "../door/device";
import { whenBackOnline } from "../door/server";
import { door, isStaff, KIT_KEY, LOG_KEY } from "../door/state";
import type { DoorLog, StoredKit } from "../door/state";
import { render, useKit } from "../door/status";
import { loadKit, loadStats, upload } from "../door/sync";
import { reject } from "../door/verdict";
import { keepPage } from "../offline/keep-page";
import { get } from "../offline/local-store";
import { startPage } from "../shell/account";
import { byId, say } from "../shell/page";
import { signInAs } from "../shell/session";

const STATS_EVERY_MS = 5000;
const KIT_EVERY_MS = 120000;

startPage();
setUpDevice();
whenBackOnline(() => void upload());

/** One code at a time, from the camera or typed in. */
async function run(code: string): Promise<void> {
  if (door.busy) return;
  door.busy = true;
  try {
    await check(code);
  } catch (error) {
    reject("", `The code could not be checked (${(error instanceof Error && error.message) || "error"}). Try again.`, "");
  } finally {
    door.busy = false;
  }
}

setUpCamera(run);

byId<HTMLFormElement>("manual").addEventListener("submit", (e) => {
  e.preventDefault();
  const input = byId<HTMLTextAreaElement>("code-input");
  if (!input.value.trim() || door.busy) return;
  void run(input.value).then(() => {
    input.value = "";
    input.focus();
  });
});
document.getElementById("demo-door")?.addEventListener("click", () => signInAs("door"));

/** The kit, then the scans kept offline (the kit must know them first), then the figures. */
const refresh = () => {
  render();
  void loadKit().then(upload);
  void loadStats();
};
window.addEventListener("online", refresh);
window.addEventListener("offline", () => {
  door.reachable = false;
  render();
});
document.addEventListener("account-changed", refresh);

async function start(): Promise<void> {
  try {
    const [storedKit, storedLog] = await Promise.all([get<StoredKit>(KIT_KEY), get<DoorLog>(LOG_KEY)]);
    if (storedKit) useKit(storedKit);
    if (storedLog) door.log = storedLog;
  } catch {
    door.storeWorks = false;
  }
  render();
  if (!isStaff()) {
    say(
      byId("message"),
      door.kit ? "Not signed in: checking with the door kit on this device. Sign in to send scans to the server." : "Sign in as door staff to open this door.",
      "notice",
    );
  }
  await loadKit();
  await upload();
  await loadStats();
  setInterval(() => void loadStats(), STATS_EVERY_MS);
  setInterval(() => {
    if (navigator.onLine) void loadKit().then(upload);
  }, KIT_EVERY_MS);
  keepPage("/door/sw.js");
}
void start();
