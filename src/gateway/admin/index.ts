export {
  isLoopback,
  OPEN_ADMIN_PATHS,
  resolveAdminToken,
  withAdminAuth,
} from './admin-auth.js';
export type { AdminHandler, AdminRoute, AdminServerOptions } from './admin-server.js';
export { ALIVE_TEXT, createAdminServer, NOT_READY_TEXT, READY_TEXT } from './admin-server.js';
export { type DashboardOptions, DEFAULT_DASHBOARD_DIR, dashboardHandler } from './dashboard-assets.js';
export { diagHtml } from './diag-html.js';
export type { DiagCluster, DiagDocument, DiagHeader, DiagRoute } from './diag-json.js';
export { diagDocument } from './diag-json.js';
export { routeSummary } from './route-summary.js';
export {
  type ClusterSeries,
  type ClusterWindow,
  histogramQuantile,
  readTrafficSnapshot,
  type ShadowSeries,
  type ShadowWindow,
  startTrafficSampler,
  type TrafficDocument,
  TrafficHistory,
  type TrafficSampler,
  type TrafficSnapshot,
} from './traffic-history.js';
export { TRAFFIC_PATH, trafficHandler } from './traffic-route.js';
