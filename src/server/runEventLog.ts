/** One event of a run, as the SSE stream sends it. */
export interface RunEvent {
  /** 1, 2, 3... in the order the run emitted them. */
  readonly id: number;
  /** The executor's event type (`started`, `succeeded`, ... `finished`), or `end` for the run's own last event. */
  readonly event: string;
  /** The event's JSON text (one line). */
  readonly data: string;
}

/** The name of the last event of every run: its status, after every executor event. */
export const END_EVENT = "end";

/**
 * Every event of one run, kept for replay (`Last-Event-ID`) while the run is stored, with the
 * listeners of the live streams. Listeners are only told that something arrived: each stream
 * reads from its own position, so a slow one costs the run nothing.
 *
 * Positions are absolute (event id - 1). Past `maxBytes` the oldest events are let go (the
 * position of the first one kept is {@link RunEventLog.first}): a huge run keeps its recent
 * history, not all of it; the `end` event is always kept.
 */
export class RunEventLog {
  private entries: RunEvent[] = [];
  /** offsets[i] = bytes of every event before entries[i], dropped ones included (one more than entries). */
  private offsets: number[] = [0];
  /** Slots of `entries` already let go (compacted now and then, not on every drop). */
  private head = 0;
  /** Events let go and compacted away. */
  private base = 0;
  private readonly listeners = new Set<() => void>();
  private isEnded = false;

  /** @param maxBytes the most bytes of events kept; the oldest go first. */
  constructor(private readonly maxBytes = Number.POSITIVE_INFINITY) {}

  /** Whether the run has ended (the `end` event is the last entry). */
  get ended(): boolean {
    return this.isEnded;
  }

  /** Events so far, let-go ones included (the id of the last one). */
  get length(): number {
    return this.base + this.entries.length;
  }

  /** Position of the first event still kept. */
  get first(): number {
    return this.base + this.head;
  }

  /** Bytes of every event so far, let-go ones included. */
  get bytes(): number {
    return this.offsets[this.offsets.length - 1]!;
  }

  /** Bytes of the events still kept. */
  get retainedBytes(): number {
    return this.bytes - this.offsets[this.head]!;
  }

  /** Bytes of the events from position `from` on (those not yet sent to a stream whose next position is `from`). */
  bytesAfter(from: number): number {
    const index = Math.min(Math.max(from - this.base, this.head), this.entries.length);
    return this.bytes - this.offsets[index]!;
  }

  /** The event at position `index` (its id is `index + 1`); undefined when let go or not yet there. */
  at(index: number): RunEvent | undefined {
    return index < this.first ? undefined : this.entries[index - this.base];
  }

  /** Appends an event; ignored once the run has ended (a late event of a cancelled child). */
  push(event: string, data: string): void {
    if (this.isEnded) return;
    this.append(event, data);
  }

  /** Appends the run's last event and tells every listener. */
  end(data: string): void {
    if (this.isEnded) return;
    // Ended first: the listeners told of this event must see it is the last one.
    this.isEnded = true;
    this.append(END_EVENT, data);
  }

  /** @returns the function that stops listening. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private append(event: string, data: string): void {
    const entry = { id: this.length + 1, event, data };
    // About the bytes of the entry on the wire (`id: `, `event: `, `data: ` and newlines).
    this.offsets.push(this.bytes + data.length + event.length + 24);
    this.entries.push(entry);
    while (this.retainedBytes > this.maxBytes && this.head < this.entries.length - 1) this.head++;
    if (this.head > 1024 && this.head * 2 > this.entries.length) this.compact();
    for (const listener of [...this.listeners]) listener();
  }

  private compact(): void {
    this.entries = this.entries.slice(this.head);
    this.offsets = this.offsets.slice(this.head);
    this.base += this.head;
    this.head = 0;
  }
}
