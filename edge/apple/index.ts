// Apple MDM at the edge: the check-in and command endpoints, mounted by the edge app.
import { Hono } from 'hono';
import { checkinRoute, type CheckinDeps } from './checkin.route.js';
import { connectRoute } from './connect.route.js';

export type AppleRoutesDeps = CheckinDeps;

export function appleRoutes(deps: AppleRoutesDeps) {
  return new Hono().route('/', checkinRoute(deps)).route('/', connectRoute(deps));
}
