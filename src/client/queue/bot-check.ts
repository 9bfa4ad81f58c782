/**
 * The waiting room's bot check: Cloudflare Turnstile's widget, loaded from
 * its own site into #bot-check, gives a single-use token that the server
 * verifies when the fan joins.
 */

interface Turnstile {
  render(container: string, options: { sitekey: string; callback: (token: string) => void }): void;
}

/** Loads Turnstile and renders its widget; `onToken` gets each token it gives. */
export function renderBotCheck(siteKey: string, onToken: (token: string) => void): void {
  const script = document.createElement("script");
  script.src = "https://challenges.cloudflare.com/turnstile/v0/api.js?render=explicit";
  script.onload = () => {
    const turnstile = (window as Window & { turnstile?: Turnstile }).turnstile;
    turnstile?.render("#bot-check", { sitekey: siteKey, callback: onToken });
  };
  document.head.append(script);
}
