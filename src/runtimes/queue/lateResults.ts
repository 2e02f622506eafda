import type { Redis } from "ioredis";
import { LRUCache } from "lru-cache";
import { eventsKey, LATE_RESULT_EVENT, type QueueJobResult, resultKey } from "./protocol.js";

/** A job whose node finished on this worker, waiting for BullMQ to accept its completion. */
export interface FinishingJob {
  readonly child: string;
  readonly container: string;
  readonly envelope: QueueJobResult;
  readonly data: unknown;
  /** The result's JSON, when it was not `undefined` (a large one is also in the side key). */
  readonly json?: string;
}

/** Deletes a side-key result only if it still holds this worker's JSON (another run may have written its own since). */
const DELETE_IF_OURS = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * The worker side of at-least-once delivery. A job runs twice when its worker is presumed dead
 * while alive (cut off from Redis longer than the lock, say): the job goes back to the queue and
 * another worker takes it. When the first run then finishes, BullMQ refuses its completion (the
 * lock is no longer its own) and would drop the result; this hands it to the producer instead,
 * as a {@link LATE_RESULT_EVENT}, so that the producer can keep whichever result came first.
 */
export class LateResults {
  private readonly jobs = new Map<string, FinishingJob>();
  /**
   * Jobs handed over (the latest 1,000): BullMQ's second refusal (it then tries to fail the job)
   * is expected, not an error.
   */
  private readonly handedOver = new LRUCache<string, true>({ max: 1_000 });

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly queue: string,
    private readonly onHandedOver: (job: string, child: string, container: string) => void,
  ) {}

  /** The node finished; BullMQ is about to complete the job. */
  finishing(jobId: string, job: FinishingJob): void {
    this.jobs.set(jobId, job);
  }

  /** BullMQ completed the job. */
  accepted(jobId: string): void {
    this.jobs.delete(jobId);
  }

  /**
   * Reads a worker error: a refused completion of a finishing job (`Missing lock for job X.
   * moveToFinished`, `Lock mismatch for job X...`, `Missing key for job X...`: another run holds
   * it, or finished it already) hands the result over.
   * @returns whether the error was such a refusal (it is then no error of this worker).
   */
  refused(error: Error): boolean {
    if (!error.message.includes("moveToFinished")) return false;
    for (const id of this.handedOver.keys()) if (mentions(error.message, id)) return true;
    for (const [id, job] of this.jobs) {
      if (!mentions(error.message, id)) continue;
      this.jobs.delete(id);
      this.handedOver.set(id, true);
      void this.handOver(id, job);
      return true;
    }
    return false;
  }

  private async handOver(jobId: string, job: FinishingJob): Promise<void> {
    const { stored: _stored, ...envelope } = job.envelope;
    const returnvalue = JSON.stringify(job.json === undefined ? envelope : { ...envelope, data: job.data });
    try {
      if (job.envelope.stored && job.json !== undefined) await this.redis.eval(DELETE_IF_OURS, 1, resultKey(this.prefix, this.queue, jobId), job.json);
      await this.redis.xadd(eventsKey(this.prefix, this.queue), "MAXLEN", "~", "10000", "*", "event", LATE_RESULT_EVENT, "jobId", jobId, "returnvalue", returnvalue);
      this.onHandedOver(jobId, job.child, job.container);
    } catch {
      // Redis unreachable: the result is lost, the other run's stands (at-least-once holds).
    }
  }
}

function mentions(message: string, jobId: string): boolean {
  return message.includes(`job ${jobId}.`) || message.includes(`job ${jobId} `) || message.includes(`Job ${jobId} `);
}
