/**
 * What the organizer's pages (the org's events, an event's dashboard, its
 * live operations view) share on top of the shell: the role check that
 * chooses what a page offers, and a form's fields by name. (A refusal's
 * `detail` is shell/session.ts `problemDetail`; a part of the page by
 * selector is shell/page.ts `part`.)
 */
import { claims } from "../shell/session";

/** Whether the signed-in account is an organizer: the pages say "sign in" otherwise (the API checks every call anyway). */
export const isOrganizer = (): boolean => Boolean(claims()?.roles?.includes("organizer"));

/** A form's fields by name, as text; "" for a field it does not send (an unchecked box). */
export type Fields = (name: string) => string;

export function formFields(form: HTMLFormElement): Fields {
  const data = new FormData(form);
  return (name) => {
    const value = data.get(name);
    return typeof value === "string" ? value : "";
  };
}
