/**
 * Route timeouts without a node timer per request. Every exchange of a
 * route waits the same timeout, so deadlines of one duration fall due in
 * the order they were set: a FIFO per duration, with one node timer armed
 * for its oldest entry, which fires what is due and re-arms. Adding and
 * removing are O(1) and allocate nothing (the entry is the caller's own
 * object). A setTimeout and clearTimeout per request were 1.2 % of the
 * gateway's CPU at load.
 */
import { performance } from 'node:perf_hooks';

export interface Deadline {
  /** performance.now() at which it falls due (set by add). */
  dueAt: number;
  duePrev: Deadline | null;
  dueNext: Deadline | null;
  /** The queue it waits in; null once due or removed. */
  dueQueue: DueQueue | null;
  onDue(): void;
}

export class DueQueue {
  readonly ms: number;
  head: Deadline | null = null;
  tail: Deadline | null = null;
  timer: NodeJS.Timeout | undefined;

  constructor(ms: number) {
    this.ms = ms;
  }
}

export class Deadlines {
  private readonly queues = new Map<number, DueQueue>();
  private readonly now: () => number;

  constructor(now: () => number = () => performance.now()) {
    this.now = now;
  }

  /** `d` falls due `ms` after `from` (a performance.now() the caller already has). */
  add(d: Deadline, ms: number, from: number): void {
    if (d.dueQueue !== null) remove(d);
    let q = this.queues.get(ms);
    if (q === undefined) {
      q = new DueQueue(ms);
      this.queues.set(ms, q);
    }
    d.dueAt = from + ms;
    d.dueQueue = q;
    d.duePrev = q.tail;
    d.dueNext = null;
    if (q.tail === null) q.head = d;
    else q.tail.dueNext = d;
    q.tail = d;
    if (q.timer === undefined) this.arm(q, ms);
  }

  /** Drops `d` if it still waits. The timer stays armed; when it fires early it re-arms for the new oldest. */
  remove(d: Deadline): void {
    remove(d);
  }

  /** Stops every timer (entries still waiting never fall due). */
  close(): void {
    for (const q of this.queues.values()) {
      if (q.timer !== undefined) clearTimeout(q.timer);
      q.timer = undefined;
      for (let d = q.head; d !== null; d = d.dueNext) d.dueQueue = null;
      q.head = null;
      q.tail = null;
    }
    this.queues.clear();
  }

  private arm(q: DueQueue, delay: number): void {
    q.timer = setTimeout(fire, Math.max(1, Math.ceil(delay)), this, q);
    // A pending request keeps the process up by its sockets, not by its deadline.
    q.timer.unref();
  }

  fire(q: DueQueue): void {
    q.timer = undefined;
    const now = this.now();
    let d = q.head;
    // Node's timers run on the loop's cached clock, so one can fire a little before dueAt.
    while (d !== null && d.dueAt <= now) {
      remove(d);
      d.onDue();
      d = q.head;
    }
    if (d !== null) this.arm(q, d.dueAt - now);
    else if (this.queues.get(q.ms) === q) this.queues.delete(q.ms);
  }
}

function remove(d: Deadline): void {
  const q = d.dueQueue;
  if (q === null) return;
  if (d.duePrev === null) q.head = d.dueNext;
  else d.duePrev.dueNext = d.dueNext;
  if (d.dueNext === null) q.tail = d.duePrev;
  else d.dueNext.duePrev = d.duePrev;
  d.duePrev = null;
  d.dueNext = null;
  d.dueQueue = null;
}

function fire(owner: Deadlines, q: DueQueue): void {
  owner.fire(q);
}
