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
 */
export class RunEventLog {
  private readonly entries: RunEvent[] = [];
  /** offsets[i] = bytes of the entries before entry i (offsets[length] = all). */
  private readonly offsets: number[] = [0];
  private readonly listeners = new Set<() => void>();
  private isEnded = false;

  /** Whether the run has ended (the `end` event is the last entry). */
  get ended(): boolean {
    return this.isEnded;
  }

  /** Events so far. */
  get length(): number {
    return this.entries.length;
  }

  /** Bytes of the event texts so far. */
  get bytes(): number {
    return this.offsets[this.entries.length]!;
  }

  /** Bytes of the events after the first `from` ones. */
  bytesAfter(from: number): number {
    return this.bytes - this.offsets[Math.min(from, this.entries.length)]!;
  }

  /** The event at position `index` (0-based; its id is `index + 1`). */
  at(index: number): RunEvent | undefined {
    return this.entries[index];
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
    const entry = { id: this.entries.length + 1, event, data };
    // About the bytes of the entry on the wire (`id: `, `event: `, `data: ` and newlines).
    this.offsets.push(this.bytes + data.length + event.length + 24);
    this.entries.push(entry);
    for (const listener of [...this.listeners]) listener();
  }
}
