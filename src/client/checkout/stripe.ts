/**
 * Paying with Stripe (when the server has Stripe keys): loads Stripe.js from
 * Stripe's site, mounts its payment element into #payment-element in the
 * page's language (Stripe writes the card form and its errors), and
 * confirms the payment when the form is sent. Only the few calls used here
 * are typed.
 */
import type { Language } from "../../shared/language";

interface StripeElements {
  create(type: "payment"): { mount(selector: string): void };
}

interface StripeJs {
  elements(options: { clientSecret: string; locale?: string }): StripeElements;
  confirmPayment(options: {
    elements: StripeElements;
    confirmParams: { return_url: string };
    redirect: "if_required";
  }): Promise<{ error?: { message?: string } }>;
}

type StripeFactory = (publishableKey: string) => StripeJs;

/** Mounts the payment element; on submit, `onResult` gets Stripe's error, or nothing when the payment went through. */
export function payWithStripe(
  publishableKey: string,
  clientSecret: string,
  form: HTMLFormElement,
  language: Language,
  onResult: (error: { message?: string } | undefined) => Promise<void>,
): void {
  const script = document.createElement("script");
  script.src = "https://js.stripe.com/v3/";
  script.onload = () => {
    const factory = (window as Window & { Stripe?: StripeFactory }).Stripe;
    if (!factory) return;
    const stripe = factory(publishableKey);
    const elements = stripe.elements({ clientSecret, locale: language });
    elements.create("payment").mount("#payment-element");
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      void (async () => {
        const { error } = await stripe.confirmPayment({ elements, confirmParams: { return_url: `${location.origin}/me/tickets` }, redirect: "if_required" });
        await onResult(error);
      })();
    });
  };
  document.head.append(script);
}
