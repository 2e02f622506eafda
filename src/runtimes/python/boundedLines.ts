import type { Readable } from "node:stream";

/** Longest line kept whole by default: 1 MiB. */
export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

/**
 * Splits a byte stream into lines (`\n`, an optional `\r` before it dropped) holding at most
 * `maxLineBytes` of any line in memory: a longer line is delivered once, cut to its first
 * `maxLineBytes` bytes and marked, and the rest of it is skipped up to the next newline.
 *
 * Node's `readline` keeps a line whole however long it grows, so a Python node printing hundreds
 * of MB without a newline made the host throw `RangeError: Invalid string length` (and hold
 * that memory first). Here memory is bounded whatever the process writes.
 *
 * @param stream - the stream to read (a child process's stdout or stderr).
 * @param maxLineBytes - the bound, in bytes.
 * @param onLine - receives each line, without its newline; a last unterminated line comes at the end.
 */
export function readBoundedLines(stream: Readable, maxLineBytes: number, onLine: (line: string) => void): void {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  // Bytes of the current line skipped after its cut head was delivered; -1 when not skipping.
  let skipped = -1;

  const emit = (chunk: Buffer): void => {
    const text = chunk.toString("utf8");
    onLine(text.endsWith("\r") ? text.slice(0, -1) : text);
  };
  const take = (part: Buffer): void => {
    if (skipped >= 0) {
      skipped += part.length;
      return;
    }
    if (pendingBytes + part.length <= maxLineBytes) {
      pending.push(part);
      pendingBytes += part.length;
      return;
    }
    const head = Buffer.concat([...pending, part.subarray(0, maxLineBytes - pendingBytes)]);
    skipped = pendingBytes + part.length - head.length;
    pending = [];
    pendingBytes = 0;
    onLine(`${head.toString("utf8")} [line cut: longer than ${maxLineBytes} bytes]`);
  };
  const endLine = (): void => {
    if (skipped < 0) emit(Buffer.concat(pending));
    pending = [];
    pendingBytes = 0;
    skipped = -1;
  };

  stream.on("data", (chunk: Buffer | string) => {
    let data = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    for (let newline = data.indexOf(10); newline >= 0; newline = data.indexOf(10)) {
      take(data.subarray(0, newline));
      endLine();
      data = data.subarray(newline + 1);
    }
    if (data.length > 0) take(data);
  });
  stream.on("end", () => {
    if (pendingBytes > 0) endLine();
  });
}
