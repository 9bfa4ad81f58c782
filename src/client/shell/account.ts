/**
 * The account widget in every page's header (#account): who is signed in,
 * sign out, and the sign-in buttons (SIGN_IN_URL; the demo accounts when
 * DEV_AUTH=1). Every page's script starts with `startPage()`.
 */
import { SHELL_COPY } from "../../shared/page-copy/shell";
import { pageLanguage } from "./language";
import { beginSignIn, claims, signInAs, signInIgnored, signOut, takeSignInHandOff } from "./session";

function renderAccount(): void {
  const box = document.getElementById("account");
  if (!box) return;
  box.replaceChildren();
  const me = claims();
  const words = SHELL_COPY[pageLanguage()];
  if (signInIgnored) {
    const note = document.createElement("span");
    note.className = "notice";
    note.textContent = words.signInLinkIgnored;
    box.append(note);
  }
  const button = (label: string, className: string, onClick: () => void) => {
    const b = document.createElement("button");
    b.type = "button";
    b.className = className;
    b.textContent = label;
    b.addEventListener("click", onClick);
    box.append(b);
  };
  const { devAuth, signInUrl } = document.body.dataset;
  if (me) {
    const who = document.createElement("span");
    who.textContent = words.signedInAs({ user: me.sub });
    box.append(who);
    button(words.signOut, "secondary", signOut);
  } else if (signInUrl || devAuth === "1") {
    if (signInUrl) button(words.signIn, "", () => beginSignIn(signInUrl));
    if (devAuth === "1") {
      button(words.demoFan, signInUrl ? "secondary" : "", () => signInAs("fan"));
      button(words.demoOrganizer, "secondary", () => signInAs("organizer"));
    }
  } else {
    const note = document.createElement("span");
    note.textContent = words.signInToBook;
    box.append(note);
  }
}

/** Takes a sign-in hand-off and draws the account widget; redraws it whenever the account changes. */
export function startPage(): void {
  takeSignInHandOff();
  renderAccount();
  document.addEventListener("account-changed", renderAccount);
}
