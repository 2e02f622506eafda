import type { IncomingMessage } from "node:http";
import type { AccessTokens } from "./accessTokens.js";

/** The routes of one run a short-lived access token opens (GET only): its record, events and page. */
const ACCESS_TOKEN_ROUTES = new Set([undefined, "events", "view"]);

/**
 * Whether a request may pass a server started with a token: the bearer token in its
 * `Authorization` header, or, for the read-only routes of one run (`GET /runs/<id>`,
 * `/runs/<id>/events`, `/runs/<id>/view`), that run's access token in `?access_token=`
 * (a page and its `EventSource` cannot send headers).
 *
 * @param parts - the decoded path segments.
 */
export function requestAllowed(req: IncomingMessage, url: URL, parts: readonly string[], token: string, accessTokens: AccessTokens): boolean {
  if (bearerMatches(req, token)) return true;
  const accessToken = url.searchParams.get("access_token");
  const runRoute = parts[0] === "runs" && (parts.length === 2 || parts.length === 3) && ACCESS_TOKEN_ROUTES.has(parts[2]);
  return accessToken !== null && runRoute && req.method === "GET" && accessTokens.verify(accessToken, parts[1]!);
}

function bearerMatches(req: IncomingMessage, token: string): boolean {
  const header = req.headers.authorization ?? "";
  const match = /^Bearer\s+(.+)$/i.exec(header);
  return match !== null && timingSafeEqualText(match[1]!.trim(), token);
}

/** Compares in a time that depends on the expected text only, not on where the two differ. */
function timingSafeEqualText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  let diff = left.length ^ right.length;
  for (let i = 0; i < right.length; i++) diff |= (left[i] ?? 0) ^ right[i]!;
  return diff === 0;
}
