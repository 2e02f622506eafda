import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** Short-lived tokens that open one run's event stream from a URL (`EventSource` cannot send headers). */
export interface AccessTokens {
  /** A token for `runId`'s event stream, valid until `expiresAt` (ms since the epoch). */
  issue(runId: string): { token: string; expiresAt: number };
  /** Whether `token` was issued by this server for `runId` and has not expired. */
  verify(token: string, runId: string): boolean;
}

/**
 * Signs `<expiry>.<HMAC-SHA256(run id, expiry)>` with a key drawn when the server starts: a
 * token is scoped to one run's event stream, expires after `ttlMs`, and dies with the server. A
 * stream already open is not cut when its token expires; a reconnection needs a fresh token.
 */
export function createAccessTokens(ttlMs: number, now: () => number = Date.now): AccessTokens {
  const key = randomBytes(32);
  const sign = (runId: string, expiresAt: number) => createHmac("sha256", key).update(`${runId}\n${expiresAt}`).digest("base64url");
  return {
    issue(runId) {
      const expiresAt = now() + ttlMs;
      return { token: `${expiresAt}.${sign(runId, expiresAt)}`, expiresAt };
    },
    verify(token, runId) {
      const [expiry, signature] = token.split(".");
      const expiresAt = Number(expiry);
      if (!signature || !Number.isSafeInteger(expiresAt) || expiresAt <= now()) return false;
      const expected = Buffer.from(sign(runId, expiresAt));
      const given = Buffer.from(signature);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}
