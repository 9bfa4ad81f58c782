/**
 * `npm run check:invariants`: the booking lifecycle's invariant checker
 * (the same one the chaos suite runs) against a running `npm run dev`:
 * every event's SeatRoom against Postgres against the payment provider.
 * Work in flight (a booking being written, a payment due to be settled) is
 * not a violation. Prints what is wrong and exits 1 if anything is.
 *
 *   npm run check:invariants              # http://127.0.0.1:8787 (or PORT)
 *   TICKETS_URL=http://host:port npm run check:invariants
 */
const base = process.env.TICKETS_URL ?? `http://127.0.0.1:${process.env.PORT ?? 8787}`;

interface Report {
  checked: string[];
  violations: { eventId: string; invariant: string; detail: string }[];
  next: string | null;
}

let after: string | null = null;
let checked = 0;
const violations: Report["violations"] = [];
const started = Date.now();
do {
  const url = new URL("/api/dev/invariants", base);
  url.searchParams.set("limit", "100");
  if (after) url.searchParams.set("after", after);
  let res: Response;
  try {
    res = await fetch(url);
  } catch (error) {
    console.error(`cannot reach ${base} (${String(error)}); is \`npm run dev\` running?`);
    process.exit(2);
  }
  if (!res.ok) {
    console.error(`${url.pathname} answered ${res.status}: ${await res.text()}`);
    process.exit(2);
  }
  const report = (await res.json()) as Report;
  checked += report.checked.length;
  violations.push(...report.violations);
  after = report.next;
} while (after);

for (const v of violations) console.log(`✗ ${v.eventId}  ${v.invariant}: ${v.detail}`);
console.log(`${checked} events checked in ${((Date.now() - started) / 1000).toFixed(1)} s: ${violations.length === 0 ? "every invariant holds" : `${violations.length} violations`}`);
process.exit(violations.length === 0 ? 0 : 1);
export {};
