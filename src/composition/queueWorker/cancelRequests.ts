import type { Worker } from "bullmq";
import type { Redis } from "ioredis";
import { type CancelMessage, cancelChannel } from "../../runtimes/queue/protocol.js";
import type { QueueWorkerEvent } from "./queueWorkerEvent.js";
import type { RecentCancels } from "./recentCancels.js";

/**
 * Subscribes `subscriber` to the queue's cancel channel: a request for a job this worker runs
 * aborts it (BullMQ's `cancelJob`, the node's `ctx.signal`); one for a job it does not run (yet)
 * is remembered in `recentCancels`. Malformed messages are ignored.
 */
export async function listenForCancels(
  subscriber: Redis,
  worker: Worker,
  recentCancels: RecentCancels,
  channel: { readonly prefix: string; readonly queueName: string },
  report: (event: QueueWorkerEvent) => void,
): Promise<void> {
  subscriber.on("error", (error) => report({ type: "error", message: `cancel channel: ${error.message}` }));
  subscriber.on("message", (_channel, text: string) => {
    let message: CancelMessage;
    try {
      message = JSON.parse(text) as CancelMessage;
    } catch {
      return;
    }
    if (typeof message?.jobId !== "string") return;
    if (!worker.cancelJob(message.jobId, message.reason)) recentCancels.add(message.jobId);
  });
  await subscriber.subscribe(cancelChannel(channel.prefix, channel.queueName));
}
