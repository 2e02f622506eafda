import type { IncomingMessage } from "node:http";
import { HttpError } from "./httpResponses.js";

/**
 * Reads and parses a request body as Blok's trigger does: JSON (`application/json`, `*+json`)
 * parsed, a form (`application/x-www-form-urlencoded`) as an object, anything else as text; no
 * body is `{}`. Never evaluated: the body is data the workflow's mapper reads, nothing more.
 *
 * @param limitBytes the largest body accepted.
 * @throws {@link HttpError} 413 past the limit (the rest is read and dropped, so the answer
 * reaches the client), 400 for malformed JSON (the message says where).
 */
export async function readRequestBody(req: IncomingMessage, limitBytes: number): Promise<unknown> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limitBytes) {
    req.resume();
    throw tooLarge(limitBytes);
  }
  const { chunks, size } = await collect(req, limitBytes);
  if (size === 0) return {};
  const text = Buffer.concat(chunks).toString("utf8");
  const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "application/json" || type.endsWith("+json")) {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new HttpError(400, `malformed JSON body: ${(error as Error).message}`);
    }
  }
  if (type === "application/x-www-form-urlencoded") return searchParamsObject(new URLSearchParams(text));
  return text;
}

/** Collects the body; past the limit it rejects at once and keeps reading and dropping the rest (ending the read would close the socket before the 413 goes out). */
function collect(req: IncomingMessage, limitBytes: number): Promise<{ chunks: Buffer[]; size: number }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limitBytes) return void chunks.push(chunk);
      chunks.length = 0;
      reject(tooLarge(limitBytes));
    });
    req.on("end", () => resolve({ chunks, size }));
    req.on("error", reject);
  });
}

function tooLarge(limitBytes: number): HttpError {
  return new HttpError(413, `request body over the limit of ${limitBytes} bytes (--body-limit-mb)`);
}

/** Query or form parameters as an object; a repeated name becomes an array, as in Express. */
export function searchParamsObject(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of params) {
    const seen = out[key];
    out[key] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return out;
}
