/**
 * The dashboard's two CSV downloads (orders, attendees). The files need the
 * organizer's bearer token, which a plain link cannot send: each is fetched,
 * then saved from a Blob through a temporary link.
 */
import { byId, say } from "../shell/page";
import type { Dashboard } from "./context";
import { authorized } from "./report";

export function startDownloads(dashboard: Dashboard): void {
  const { eventId } = dashboard;
  const message = byId("report-message");

  async function download(name: string, button: HTMLButtonElement): Promise<void> {
    button.disabled = true;
    say(message, `Preparing ${name}.csv…`, "notice");
    try {
      const res = await authorized(`/api/events/${eventId}/${name}.csv`);
      if (!res.ok) {
        say(message, `The ${name} export failed (${res.status}).`, "error");
        return;
      }
      const url = URL.createObjectURL(await res.blob());
      const link = document.createElement("a");
      link.href = url;
      link.download = `${eventId}-${name}.csv`;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
      say(message, `Downloaded ${link.download}.`, "notice");
    } catch {
      say(message, `The ${name} export was interrupted. Try again.`, "error");
    } finally {
      button.disabled = false;
    }
  }

  for (const name of ["orders", "attendees"]) {
    const button = byId<HTMLButtonElement>(`download-${name}`);
    button.addEventListener("click", () => void download(name, button));
  }
}
