/**
 * The router filter: match the request against the current RouteTable
 * (routing's matcher), rewrite the path, prepare upstream headers, then hand
 * the request to the HTTP/1.1 exchange or the gRPC (h2) proxy. The table
 * state is read once here, so a request finishes on the table it started on.
 */
import { matchRoute, rewritePath, shouldMirror } from '../routing/index.js';
import type { DownstreamRequest, DownstreamResponse } from './downstream.js';
import type { GatewayContext } from './gateway-context.js';
import { sendGrpcMirror } from './grpc-mirror.js';
import { proxyGrpc } from './grpc-proxy.js';
import { HttpExchange } from './http-exchange.js';
import { noHealthyUpstreamError, noRouteError, sendLocalReply } from './local-reply.js';
import { RequestView } from './request-view.js';
import { toUpstreamHeaders } from './upstream-headers.js';

export type RouterFilter = (req: DownstreamRequest, res: DownstreamResponse) => void;

export function createRouterFilter(ctx: GatewayContext, proto: 'http' | 'https'): RouterFilter {
  return function routeRequest(req: DownstreamRequest, res: DownstreamResponse): void {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const state = ctx.state;
    const match =
      state === undefined
        ? undefined
        : matchRoute(state.table, new RequestView(method, url, req.headers), ctx.random() * 100);
    if (state === undefined || match === undefined) {
      sendLocalReply(req, res, noRouteError());
      ctx.metrics?.observeRequest('', '', 404, 'NR', 0);
      return;
    }
    const { route, target } = match;
    const cluster = state.clusters.get(target.cluster);
    if (cluster === undefined) {
      // A table always defines the clusters its routes name; guard anyway.
      sendLocalReply(req, res, noHealthyUpstreamError());
      return;
    }
    const path = rewritePath(url, route, target);
    // Read before the hop-by-hop headers (transfer-encoding) are dropped.
    const hasBody = hasRequestBody(req);
    const headers = toUpstreamHeaders(req.headers, {
      remoteAddress: req.remoteAddress ?? req.socket?.remoteAddress,
      proto,
      originalPath: path === url ? undefined : url,
      hostRewrite: target.hostRewrite,
    });
    if (route.grpc || cluster.spec.http2) {
      const mirror = route.mirror;
      if (mirror !== undefined && shouldMirror(route, ctx.random() * 100)) {
        sendGrpcMirror(state, mirror, req, method, rewritePath(url, route, mirror), headers, ctx.metrics);
      }
      proxyGrpc(ctx, req, res, route, target, cluster, method, path, headers);
      return;
    }
    new HttpExchange(
      ctx,
      state,
      req,
      res,
      route,
      target,
      cluster,
      method,
      url,
      path,
      headers,
      hasBody,
    ).start();
  };
}

function hasRequestBody(req: DownstreamRequest): boolean {
  const stream = req.stream;
  if (stream !== undefined) return !stream.endAfterHeaders;
  const h = req.headers;
  const cl = h['content-length'];
  if (cl !== undefined) return cl !== '0';
  return h['transfer-encoding'] !== undefined;
}
