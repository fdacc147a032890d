// Apple MDM at the edge: the check-in and command endpoints, mounted by the edge app.
import { Hono } from 'hono';
import { checkinRoutes, type CheckinDeps } from './checkin.routes.js';
import { connectRoutes } from './connect.routes.js';

export type AppleRoutesDeps = CheckinDeps;

export function appleRoutes(deps: AppleRoutesDeps) {
  return new Hono().route('/', checkinRoutes(deps)).route('/', connectRoutes(deps));
}
