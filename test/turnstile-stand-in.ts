/**
 * A local stand-in for Cloudflare's Turnstile Siteverify API, so a test can
 * prove both paths of the bot check: it answers `success: true` for the
 * secret STAND_IN_SECRET and the token PASSING_TOKEN (once: tokens are
 * single-use), and the documented error codes otherwise.
 */
import http from "node:http";

export const STAND_IN_SECRET = "turnstile-stand-in-secret";
export const PASSING_TOKEN = "stand-in-passing-token";

export async function startTurnstileStandIn(): Promise<{ url: string; stop: () => Promise<void> }> {
  const used = new Set<string>();
  const server = http.createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      const { secret, response: token } = JSON.parse(body || "{}") as { secret?: string; response?: string };
      const codes: string[] = [];
      if (secret !== STAND_IN_SECRET) codes.push("invalid-input-secret");
      else if (!token?.startsWith(PASSING_TOKEN)) codes.push("invalid-input-response");
      else if (used.has(token)) codes.push("timeout-or-duplicate");
      if (codes.length === 0 && token) used.add(token);
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ success: codes.length === 0, "error-codes": codes }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/turnstile/v0/siteverify`, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}
