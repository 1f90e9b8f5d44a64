/**
 * Shadow vs main: for a request on a route with a shadow, capture the main
 * response (as the client receives it) and the mirror's response, and once
 * both are in, compare the predictions
 * (protocol/compare-predictions) and report agreement and both latencies.
 *
 * Bounded and out of the way: at most `maxPerSecond` requests a second are
 * sampled (a token bucket: everything at low rates, a steady sample under
 * load, so the cost on a busy shadow route stays flat), at most `maxOpen`
 * are tracked at once (more are simply not compared), bodies over
 * `maxBodyBytes` are not kept
 * (the pair counts as `incomparable`), stale pairs (a shadow that never
 * answered) are evicted, and the main response is never held back: its
 * chunks are copied as they pass, and the comparison runs after the later of
 * the two responses has finished.
 *
 * The exchange taps the main response (`ShadowComparer.tap`) when it will
 * mirror the request, and hands the pair to mirror.ts, which feeds it the
 * shadow's response. A request that is not sampled costs one comparison of
 * the token count (and a clock reading the caller already has).
 */
import { Buffer } from 'node:buffer';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import {
  compareResponseBodies,
  DEFAULT_TOLERANCE,
  type PredictionAgreement,
  type Tolerance,
} from '../protocol/compare-predictions.js';
import type { DownstreamResponse } from './downstream.js';

export type ShadowResult = PredictionAgreement | 'main_error' | 'shadow_error';

export interface ShadowComparison {
  route: string;
  mainCluster: string;
  shadowCluster: string;
  result: ShadowResult;
  /** From the mirror being sent to the end of each response. */
  mainSeconds: number;
  shadowSeconds: number;
}

export interface ShadowCompareSink {
  recordShadowComparison(c: ShadowComparison): void;
}

export interface ShadowCompareOptions {
  sink: ShadowCompareSink;
  /** Larger bodies are not kept (default 64 KiB per side). */
  maxBodyBytes?: number;
  /** Requests tracked at once (default 256). */
  maxOpen?: number;
  /** Requests sampled per second, with a burst of as many (default 200). */
  maxPerSecond?: number;
  /** A pair still open after this long is dropped (default 60 s). */
  staleMs?: number;
  tolerance?: Tolerance;
  now?: () => number;
}

class Side {
  status = 0;
  json = false;
  chunks: Buffer[] = [];
  bytes = 0;
  tooLarge = false;
  /** ms timestamp of the end, or -1 while open. */
  endedAt = -1;
  ok = false;

  head(status: number, headers: OutgoingHttpHeaders | IncomingHttpHeaders | undefined): void {
    this.status = status;
    const ct = headers?.['content-type'];
    const type = Array.isArray(ct) ? ct[0] : ct;
    this.json = typeof type === 'string' && type.toLowerCase().includes('json');
  }

  data(chunk: Buffer | string, max: number): void {
    if (this.tooLarge) return;
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    this.bytes += buf.length;
    if (this.bytes > max) {
      this.tooLarge = true;
      this.chunks = [];
      return;
    }
    // copy: the sender may reuse its buffer
    this.chunks.push(Buffer.from(buf));
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

export class ShadowPair {
  readonly route: string;
  readonly mainCluster: string;
  readonly shadowCluster: string;
  readonly openedAt: number;
  readonly main = new Side();
  readonly shadow = new Side();
  private readonly comparer: ShadowComparer;
  /** ms timestamp when mirror.ts sent the copy; -1 if it did not. */
  sentAt = -1;
  private done = false;

  constructor(
    comparer: ShadowComparer,
    route: string,
    mainCluster: string,
    shadowCluster: string,
    now: number,
  ) {
    this.comparer = comparer;
    this.route = route;
    this.mainCluster = mainCluster;
    this.shadowCluster = shadowCluster;
    this.openedAt = now;
  }

  /** mirror.ts: the copy went out. */
  mirrorSent(): void {
    this.sentAt = this.comparer.now();
  }

  shadowHead(status: number, headers: IncomingHttpHeaders): void {
    this.shadow.head(status, headers);
  }

  shadowData(chunk: Buffer): void {
    this.shadow.data(chunk, this.comparer.maxBodyBytes);
  }

  shadowEnd(ok: boolean): void {
    if (this.shadow.endedAt >= 0) return;
    this.shadow.ok = ok;
    this.shadow.endedAt = this.comparer.now();
    this.settle();
  }

  mainEnd(ok: boolean): void {
    if (this.main.endedAt >= 0) return;
    this.main.ok = ok;
    this.main.endedAt = this.comparer.now();
    this.settle();
  }

  drop(): void {
    this.done = true;
    this.comparer.open.delete(this);
  }

  private settle(): void {
    if (this.done) return;
    if (this.sentAt < 0) {
      // main finished and no copy was sent (not sampled, breaker full, no endpoint)
      if (this.main.endedAt >= 0) this.drop();
      return;
    }
    if (this.main.endedAt < 0 || this.shadow.endedAt < 0) return;
    this.drop();
    this.comparer.report(this);
  }
}

function okStatus(s: number): boolean {
  return s >= 200 && s < 300;
}

/** ShadowCompareOptions.maxPerSecond's default. */
export const DEFAULT_SHADOW_COMPARE_RATE = 200;

export class ShadowComparer {
  readonly maxBodyBytes: number;
  readonly maxOpen: number;
  readonly staleMs: number;
  readonly tolerance: Tolerance;
  readonly now: () => number;
  readonly maxPerSecond: number;
  /** Pairs open now, oldest first. */
  readonly open = new Set<ShadowPair>();
  private readonly sink: ShadowCompareSink;
  private tokens: number;
  private refilledAt: number;

  constructor(opts: ShadowCompareOptions) {
    this.sink = opts.sink;
    this.maxPerSecond = opts.maxPerSecond ?? DEFAULT_SHADOW_COMPARE_RATE;
    this.maxBodyBytes = opts.maxBodyBytes ?? 64 * 1024;
    this.maxOpen = opts.maxOpen ?? 256;
    this.staleMs = opts.staleMs ?? 60_000;
    this.tolerance = opts.tolerance ?? DEFAULT_TOLERANCE;
    this.now = opts.now ?? (() => performance.now());
    this.tokens = this.maxPerSecond;
    this.refilledAt = this.now();
  }

  /** Token bucket: one token per sampled request, maxPerSecond refilled a second. */
  private take(now: number): boolean {
    if (this.tokens < 1) {
      const add = ((now - this.refilledAt) * this.maxPerSecond) / 1000;
      if (add < 1) return false;
      this.tokens = Math.min(this.maxPerSecond, this.tokens + add);
      this.refilledAt = now;
    }
    this.tokens--;
    return true;
  }

  /**
   * The exchange, for a request it will mirror: watch the main response.
   * `now`: the caller's performance.now() reading, if it has one. Returns
   * the pair for mirror.ts, or undefined when the request is not sampled.
   */
  tap(
    res: DownstreamResponse,
    route: string,
    mainCluster: string,
    shadowCluster: string,
    now: number = this.now(),
  ): ShadowPair | undefined {
    if (!this.take(now)) return undefined;
    const open = this.open;
    if (open.size >= this.maxOpen) {
      const oldest = open.values().next().value as ShadowPair;
      if (now - oldest.openedAt < this.staleMs) return undefined;
      oldest.drop();
    }
    const pair = new ShadowPair(this, route, mainCluster, shadowCluster, now);
    open.add(pair);
    const max = this.maxBodyBytes;
    const writeHead = res.writeHead;
    const write = res.write;
    const end = res.end;
    res.writeHead = function (this: DownstreamResponse, status: number, h?: OutgoingHttpHeaders) {
      pair.main.head(status, h);
      // biome-ignore lint/complexity/noArguments: pass every argument through (statusMessage forms)
      return Reflect.apply(writeHead, this, arguments);
    };
    const forwarded = res.writeHeadForwarded;
    if (forwarded !== undefined) {
      res.writeHeadForwarded = function (this: DownstreamResponse, status, h, fields, added) {
        const taken = forwarded.call(this, status, h, fields, added);
        if (taken) pair.main.head(status, h);
        return taken;
      };
    }
    res.write = function (this: DownstreamResponse, chunk: Buffer) {
      pair.main.data(chunk, max);
      // biome-ignore lint/complexity/noArguments: as above
      return Reflect.apply(write, this, arguments) as boolean;
    };
    res.end = function (this: DownstreamResponse, chunk?: string | Buffer) {
      if (chunk !== undefined && typeof chunk !== 'function') pair.main.data(chunk, max);
      // biome-ignore lint/complexity/noArguments: as above
      return Reflect.apply(end, this, arguments);
    };
    // 'close' follows a finished response and an aborted one alike
    res.once('close', () => pair.mainEnd(res.writableEnded));
    return pair;
  }

  /** Called once per pair whose both responses are in. */
  report(pair: ShadowPair): void {
    const { main, shadow } = pair;
    let result: ShadowResult;
    if (!main.ok || !okStatus(main.status)) result = 'main_error';
    else if (!shadow.ok || !okStatus(shadow.status)) result = 'shadow_error';
    else if (main.tooLarge || shadow.tooLarge || !main.json || !shadow.json) result = 'incomparable';
    else result = compareResponseBodies(main.text(), shadow.text(), this.tolerance);
    this.sink.recordShadowComparison({
      route: pair.route,
      mainCluster: pair.mainCluster,
      shadowCluster: pair.shadowCluster,
      result,
      mainSeconds: Math.max(0, main.endedAt - pair.sentAt) / 1000,
      shadowSeconds: Math.max(0, shadow.endedAt - pair.sentAt) / 1000,
    });
  }
}
