/** The search page (/): "near me" fills the form with the browser's position (when it has one) and searches within 50 km. */
import { SEARCH_COPY } from "../../shared/page-copy/search";
import { startPage } from "../shell/account";
import { pageLanguage } from "../shell/language";

startPage();

const near = document.getElementById("near-me") as HTMLButtonElement | null;
const form = document.getElementById("search") as HTMLFormElement | null;
if (near && form) {
  near.hidden = !("geolocation" in navigator);
  near.addEventListener("click", () => {
    near.disabled = true;
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        const q = new URLSearchParams();
        for (const [k, v] of new FormData(form)) if (typeof v === "string" && v && k !== "location") q.set(k, v);
        q.set("lat", pos.coords.latitude.toFixed(4));
        q.set("lng", pos.coords.longitude.toFixed(4));
        q.set("radiusKm", "50");
        location.href = `/?${q}`;
      },
      () => {
        near.disabled = false;
        alert(SEARCH_COPY[pageLanguage()].locationUnavailable);
      },
    );
  });
}
