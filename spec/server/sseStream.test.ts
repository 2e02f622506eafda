import { Writable } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import { RunEventLog } from "../../src/server/runEventLog.js";
import { formatSse, streamRunEvents } from "../../src/server/sseStream.js";

/** A client socket that never reads: its buffer fills after `highWaterMark` bytes and never drains. */
function stalledClient(highWaterMark: number) {
  const written: string[] = [];
  let ended = false;
  const target = new Writable({ highWaterMark, write: (chunk: Buffer, _encoding, _callback) => void written.push(chunk.toString()) });
  const originalEnd = target.end.bind(target);
  target.end = ((...args: Parameters<Writable["end"]>) => {
    ended = true;
    return originalEnd(...args);
  }) as Writable["end"];
  // The first write goes to _write (which never completes); the rest queue in the writable's buffer.
  const sent = (): string => {
    const buffered = (target as unknown as { writableBuffer: { chunk: Buffer | string }[] }).writableBuffer.map((entry) => entry.chunk.toString());
    return [...written, ...buffered].join("");
  };
  return { target, sent, ended: () => ended };
}

afterEach(() => vi.useRealTimers());

describe("streamRunEvents", () => {
  it("drops a client that falls behind the live run by more than the bound, with a final message, while the run goes on", () => {
    const log = new RunEventLog();
    const client = stalledClient(64);
    streamRunEvents(client.target as never, log, 0, { heartbeatMs: 60_000, maxLagBytes: 1_000 });
    for (let i = 0; i < 100; i++) log.push("progress", JSON.stringify({ step: "fan", i }));
    expect(log.length).toBe(100); // the run was never held back
    expect(client.ended()).toBe(true);
    const sent = client.sent();
    expect(sent).toContain("event: dropped\n");
    expect(sent.indexOf("event: dropped")).toBe(sent.lastIndexOf("event: ")); // the last thing sent
    // Only what fitted before the socket filled was written: far less than the run's 100 events.
    expect((sent.match(/^id: /gm) ?? []).length).toBeLessThan(10);
  });

  it("keeps a client that reads at its own pace: every event arrives in order, then the stream ends", async () => {
    const log = new RunEventLog();
    const chunks: string[] = [];
    const target = new Writable({ highWaterMark: 64, write: (chunk: Buffer, _e, callback) => void setImmediate(() => (chunks.push(chunk.toString()), callback())) });
    const stream = streamRunEvents(target as never, log, 0, { heartbeatMs: 60_000, maxLagBytes: 1_000_000 });
    for (let i = 0; i < 50; i++) log.push("progress", JSON.stringify({ i }));
    log.end(JSON.stringify({ status: "succeeded" }));
    await stream.closed;
    await new Promise((resolve) => target.once("finish", resolve));
    const expected = [...Array.from({ length: 50 }, (_, i) => formatSse({ id: i + 1, event: "progress", data: JSON.stringify({ i }) })), formatSse({ id: 51, event: "end", data: '{"status":"succeeded"}' })];
    expect(chunks.join("")).toBe(expected.join(""));
  });

  it("sends a burst of events in a few writes, not one write per event", async () => {
    const log = new RunEventLog();
    const chunks: string[] = [];
    const target = new Writable({ write: (chunk: Buffer, _e, callback) => (chunks.push(chunk.toString()), callback()) });
    const stream = streamRunEvents(target as never, log, 0, { heartbeatMs: 60_000, maxLagBytes: 10_000_000 });
    for (let i = 0; i < 1000; i++) log.push("progress", JSON.stringify({ i }));
    log.end(JSON.stringify({ status: "succeeded" }));
    await stream.closed;
    const text = chunks.join("");
    expect((text.match(/^id: /gm) ?? []).length).toBe(1001);
    expect(text.endsWith(formatSse({ id: 1001, event: "end", data: '{"status":"succeeded"}' }))).toBe(true);
    // About 27 KB of events: one write per 64 KB batch.
    expect(chunks.length).toBeLessThanOrEqual(2);
  });

  it("sends heartbeat comments while the run is idle", () => {
    vi.useFakeTimers();
    const log = new RunEventLog();
    const chunks: string[] = [];
    const target = new Writable({ write: (chunk: Buffer, _e, callback) => (chunks.push(chunk.toString()), callback()) });
    const stream = streamRunEvents(target as never, log, 0, { heartbeatMs: 1000, maxLagBytes: 1000 });
    vi.advanceTimersByTime(3500);
    expect(chunks).toEqual([": heartbeat\n\n", ": heartbeat\n\n", ": heartbeat\n\n"]);
    stream.close("shutdown", { reason: "test" });
    vi.advanceTimersByTime(3000);
    expect(chunks.slice(3)).toEqual(['event: shutdown\ndata: {"reason":"test"}\n\n']);
  });
});

describe("a bounded event log", () => {
  it("lets its oldest events go past the bound, keeps ids and the end event, and a replay says what it skipped", async () => {
    const log = new RunEventLog(1_000);
    for (let i = 0; i < 100; i++) log.push("progress", JSON.stringify({ i }));
    log.end('{"status":"succeeded"}');
    expect(log.length).toBe(101);
    expect(log.retainedBytes).toBeLessThanOrEqual(1_000);
    expect(log.first).toBeGreaterThan(0);
    expect(log.at(log.first - 1)).toBeUndefined();
    expect(log.at(100)).toMatchObject({ id: 101, event: "end" });
    const chunks: string[] = [];
    const target = new Writable({ write: (chunk: Buffer, _e, callback) => (chunks.push(chunk.toString()), callback()) });
    await streamRunEvents(target as never, log, 0, { heartbeatMs: 60_000, maxLagBytes: 1_000_000 }).closed;
    const text = chunks.join("");
    expect(text.startsWith(`event: truncated\ndata: {"reason":"the run's oldest events are no longer kept","first_id":${log.first + 1},"skipped":${log.first}}\n\n`)).toBe(true);
    const ids = [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
    expect(ids).toEqual(Array.from({ length: 101 - log.first }, (_, i) => log.first + 1 + i));
  });

  it("finds events by position and counts bytes across compactions", () => {
    const log = new RunEventLog(50_000);
    for (let i = 0; i < 5_000; i++) log.push("progress", JSON.stringify({ i }));
    expect(log.length).toBe(5_000);
    expect(log.at(4_999)).toMatchObject({ id: 5_000, data: '{"i":4999}' });
    expect(log.at(log.first)).toMatchObject({ id: log.first + 1, data: JSON.stringify({ i: log.first }) });
    expect(log.bytesAfter(4_999)).toBe('{"i":4999}'.length + "progress".length + 24);
  });
});
