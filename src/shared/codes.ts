/**
 * Presale and promo codes (the organizer's API). A presale code lets its
 * holders buy before the event's on-sale time (and stands in for the
 * waiting room's admission until then); a promo code takes a percent or a
 * fixed amount off each ticket's face value, in chosen sections or all.
 * Both have a use limit and may have a window. One use is one hold: it is
 * reserved while the hold is live, returned when the hold ends, and spent
 * when it is booked, all counted by the event's SeatRoom.
 */
import { z } from "@hono/zod-openapi";
import { EventParams } from "./catalog";

/** What fans type; stored upper case. */
export const CodeText = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{2,39}$/, "must be 3 to 40 letters, digits, - or _")
  .transform((s) => s.toUpperCase())
  .openapi({ type: "string", example: "FANCLUB" });

const instant = z.iso.datetime({ offset: true }).openapi({ example: "2027-06-01T10:00:00Z" });

const Discount = z
  .union([
    z.object({ percentBp: z.number().int().min(1).max(10_000).openapi({ description: "a share of the face value, in basis points (1500 = 15 %)" }) }).strict(),
    z.object({ fixedCents: z.number().int().min(1).max(100_000_000).openapi({ description: "an amount off each ticket's face value (never below 0)" }) }).strict(),
  ])
  .openapi("CodeDiscount");

export const CodeCreate = z
  .object({
    code: CodeText,
    kind: z.enum(["presale", "promo"]),
    discount: Discount.optional().openapi({ description: "promo codes only (required for them)" }),
    sections: z.array(z.string().trim().min(1).max(100)).min(1).max(500).optional().openapi({ description: "promo codes only: the sections the discount applies to (all when absent)" }),
    maxUses: z.number().int().min(1).max(1_000_000).openapi({ description: "how many holds may use it (one use per booking)" }),
    startsAt: instant.optional(),
    endsAt: instant.optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.kind === "promo" && !c.discount) ctx.addIssue({ code: "custom", path: ["discount"], message: "a promo code needs a discount" });
    if (c.kind === "presale" && (c.discount || c.sections)) ctx.addIssue({ code: "custom", path: ["discount"], message: "a presale code gives no discount" });
    if (c.startsAt && c.endsAt && Date.parse(c.endsAt) <= Date.parse(c.startsAt)) ctx.addIssue({ code: "custom", path: ["endsAt"], message: "must be after startsAt" });
  })
  .openapi("CodeCreate");
export type CodeCreate = z.infer<typeof CodeCreate>;

export const CodePatch = z
  .object({
    maxUses: z.number().int().min(0).max(1_000_000).openapi({ description: "0 stops new uses; uses already reserved or spent stay" }),
    startsAt: instant.nullable(),
    endsAt: instant.nullable(),
    disabled: z.boolean().openapi({ description: "a disabled code is refused to new holds; holds made with it keep their price" }),
  })
  .partial()
  .strict()
  .refine((p) => Object.keys(p).length > 0, "send at least one field to change")
  .openapi("CodePatch");
export type CodePatch = z.infer<typeof CodePatch>;

export const CodeView = z
  .object({
    codeId: z.string(),
    code: z.string(),
    kind: z.enum(["presale", "promo"]),
    discount: z.object({ percentBp: z.number().int().nullable(), fixedCents: z.number().int().nullable() }).nullable(),
    sections: z.array(z.string()).nullable(),
    maxUses: z.number().int(),
    startsAt: z.string().nullable(),
    endsAt: z.string().nullable(),
    disabled: z.boolean(),
    uses: z
      .object({ reserved: z.number().int().openapi({ description: "by live holds" }), spent: z.number().int().openapi({ description: "by bookings" }) })
      .nullable()
      .openapi({ description: "as the event's room counts them; null when it could not be asked" }),
    createdAt: z.string(),
  })
  .openapi("Code");
export type CodeView = z.infer<typeof CodeView>;

export const CodeParams = EventParams.extend({
  codeId: z.string().regex(/^cd_[0-9a-z]{16}$/, "must be a code id").openapi({ param: { name: "codeId", in: "path" } }),
});
