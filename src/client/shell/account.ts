/**
 * The account widget in every page's header (#account): who is signed in,
 * sign out, and the sign-in buttons (SIGN_IN_URL; the demo accounts when
 * DEV_AUTH=1). Every page's script starts with `startPage()`.
 */
import { beginSignIn, claims, signInAs, signInNote, signOut, takeSignInHandOff } from "./session";

function renderAccount(): void {
  const box = document.getElementById("account");
  if (!box) return;
  box.replaceChildren();
  const me = claims();
  if (signInNote) {
    const note = document.createElement("span");
    note.className = "notice";
    note.textContent = signInNote;
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
    who.textContent = `Signed in as ${me.sub}`;
    box.append(who);
    button("Sign out", "secondary", signOut);
  } else if (signInUrl || devAuth === "1") {
    if (signInUrl) button("Sign in", "", () => beginSignIn(signInUrl));
    if (devAuth === "1") {
      button("Continue as demo fan", signInUrl ? "secondary" : "", () => signInAs("fan"));
      button("Continue as demo organizer", "secondary", () => signInAs("organizer"));
    }
  } else {
    const note = document.createElement("span");
    note.textContent = "Sign in with your account to book.";
    box.append(note);
  }
}

/** Takes a sign-in hand-off and draws the account widget; redraws it whenever the account changes. */
export function startPage(): void {
  takeSignInHandOff();
  renderAccount();
  document.addEventListener("account-changed", renderAccount);
}
