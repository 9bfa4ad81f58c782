/**
 * The sales controls: pause sales (new holds are refused with 503 and a
 * retry hint) and resume them, shown at once from the answer rather than
 * the next frame; and extend every live hold, which cannot be undone, so it
 * asks to confirm with the number of holds it will touch.
 */
import type { SalesPause } from "../../shared/ops";
import { formFields } from "../organizer/shared";
import { byId } from "../shell/page";
import { confirmStep, control, type Live, number, post, submitter } from "./context";
import { clock } from "./dom";

export function startSalesControls(live: Live): void {
  const salesResult = byId("sales-result");
  const pauseForm = byId<HTMLFormElement>("pause-form");
  const resumeForm = byId<HTMLFormElement>("resume-form");

  pauseForm.addEventListener("submit", (e) => {
    e.preventDefault();
    const f = formFields(pauseForm);
    void (async () => {
      const data = await control(
        live,
        salesResult,
        submitter(e),
        () => post<{ paused: NonNullable<SalesPause> }>(live, "/ops/pause", { reason: f("reason"), retryAfterSeconds: number(f("retryAfterSeconds")) }),
        (d) => `Sales paused: new holds are refused; fans are told to retry in ${d.paused.retryAfterSeconds} s.`,
      );
      if (data && live.latest?.seatRoom) {
        live.latest.seatRoom.paused = data.paused;
        live.show(live.latest);
      }
    })();
  });

  resumeForm.addEventListener("submit", (e) => {
    e.preventDefault();
    const f = formFields(resumeForm);
    void (async () => {
      const data = await control(live, salesResult, submitter(e), () => post(live, "/ops/resume", f("reason") ? { reason: f("reason") } : {}), () => "Sales resumed: fans can hold seats again.");
      if (data && live.latest?.seatRoom) {
        live.latest.seatRoom.paused = null;
        live.show(live.latest);
        resumeForm.reset();
      }
    })();
  });

  const extendForm = byId<HTMLFormElement>("extend-form");
  const extendConfirm = byId("extend-confirm");
  const extendYes = byId<HTMLButtonElement>("extend-yes");
  const review = byId("extend-review");
  const askExtend = confirmStep(extendConfirm, extendYes, byId("extend-no"), review, () => {
    const f = formFields(extendForm);
    void (async () => {
      await control(
        live,
        byId("extend-result"),
        extendYes,
        () => post<{ holds: number; seats: number; latestExpiry: string | null }>(live, "/ops/extend-holds", { minutes: number(f("minutes")), reason: f("reason") }),
        (d) =>
          `Extended ${d.holds}${d.holds === 1 ? " hold" : " holds"} (${d.seats}${d.seats === 1 ? " seat" : " seats"}) by ${f("minutes")} minutes` +
          (d.latestExpiry ? `; the last now ends at ${clock(Date.parse(d.latestExpiry))}.` : "."),
      );
      review.focus();
    })();
  });
  extendForm.addEventListener("submit", (e) => {
    e.preventDefault();
    const f = formFields(extendForm);
    const holds = live.latest?.seatRoom ? live.latest.seatRoom.holds.live : null;
    byId("extend-question").textContent = `Give every live hold${holds === null ? "" : ` (${holds} now)`} ${f("minutes")} more minutes, because: ${f("reason")}?`;
    askExtend();
  });
}
