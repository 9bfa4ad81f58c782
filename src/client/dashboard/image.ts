/**
 * The dashboard's image panel: shows the picture fans see (the event's own
 * image, or its type's generated art), uploads a file as the event's image
 * (PUT /api/events/:id/image with the file's bytes, its type as the
 * content-type) and removes it (DELETE). The size and type are checked here
 * first only to answer at once; the API checks them again, and reads the
 * file's own signature and size, which this panel cannot.
 */
import type { EventImageView } from "../../shared/image-schemas";
import { isImageType, isUploadedImageUrl, MAX_IMAGE_BYTES } from "../../shared/image-urls";
import { byId, say } from "../shell/page";
import { api, problemDetail, responseBody, token } from "../shell/session";
import { type Dashboard, onReady } from "./context";

export function startImage(dashboard: Dashboard): void {
  const { eventId } = dashboard;
  const preview = byId<HTMLImageElement>("image-preview");
  const state = byId("image-state");
  const form = byId<HTMLFormElement>("image-form");
  const file = byId<HTMLInputElement>("image-file");
  const upload = byId<HTMLButtonElement>("image-upload");
  const remove = byId<HTMLButtonElement>("image-remove");
  const message = byId("image-message");
  const path = `/api/events/${eventId}/image`;

  function show(imageUrl: string, cancelled = false): void {
    preview.src = imageUrl;
    preview.hidden = false;
    const own = isUploadedImageUrl(imageUrl);
    state.textContent = own ? "Fans see this image." : "No image uploaded: fans see this picture made for the event's type.";
    remove.hidden = !own;
    // A cancelled event's image may still be removed, not replaced (the API says the same).
    upload.disabled = cancelled;
    file.disabled = cancelled;
  }

  async function send(chosen: File): Promise<void> {
    if (!isImageType(chosen.type)) {
      say(message, "Choose a JPEG, PNG or WebP file.", "error");
      return;
    }
    if (chosen.size > MAX_IMAGE_BYTES) {
      say(message, `This file is ${(chosen.size / 1024 / 1024).toFixed(1)} MiB; an event image may be at most ${MAX_IMAGE_BYTES / 1024 / 1024} MiB.`, "error");
      return;
    }
    upload.disabled = true;
    say(message, "Uploading…", "notice");
    try {
      // The raw bytes, not JSON: api() would serialize the body.
      const res = await fetch(path, { method: "PUT", headers: { authorization: `Bearer ${token()}`, "content-type": chosen.type }, body: chosen });
      const data = await responseBody(res);
      if (!res.ok) {
        say(message, problemDetail(data) || "The image could not be uploaded.", "error");
        return;
      }
      show((data as EventImageView).imageUrl);
      form.reset();
      say(message, "The image is saved: search results and the event's page show it now.", "notice");
    } catch {
      say(message, "The image could not be uploaded: the connection failed. Try again.", "error");
    } finally {
      upload.disabled = false;
    }
  }

  async function clear(): Promise<void> {
    remove.disabled = true;
    const res = await api<EventImageView>(path, { method: "DELETE" });
    remove.disabled = false;
    if (!res.ok) {
      say(message, problemDetail(res.data) || "The image could not be removed.", "error");
      return;
    }
    show(res.data.imageUrl);
    say(message, "The image is removed: fans see the picture made for the event's type.", "notice");
  }

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const chosen = file.files?.[0];
    if (chosen) void send(chosen);
    else say(message, "Choose an image file first.", "error");
  });
  remove.addEventListener("click", () => void clear());
  onReady((detail) => {
    say(message, "");
    show(detail.imageUrl, detail.status === "cancelled");
  });
}
