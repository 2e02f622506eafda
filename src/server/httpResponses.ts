import type { ServerResponse } from "node:http";

/** JSON text of a value, BigInts as decimal strings (JSON has no BigInt). */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v)) ?? "null";
}

/** Sends a JSON document with the given status and extra headers. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = toJson(body);
  res.writeHead(status, { ...headers, "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/** Sends `{ "error": message }`: the body of every error the server itself answers. */
export function sendError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { error: message }, headers);
}

/** A request the server refuses: its status and the message of the JSON error body. */
export class HttpError extends Error {
  override readonly name = "HttpError";

  /** @param status the HTTP status answered. */
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
