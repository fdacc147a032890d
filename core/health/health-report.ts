// Probes each dependency a process needs and reports which are down (GET /healthz on the edge and admin API).
import { withDeadline } from '../concurrency/deadline.js';

export type Probe = () => Promise<unknown>;

export interface HealthReport {
  status: 200 | 503;
  body: { status: 'ok' | 'degraded'; checks: Record<string, 'up' | 'down'>; down: string[] };
}

export async function checkHealth(probes: Record<string, Probe>, timeoutMs = 2_000): Promise<HealthReport> {
  const names = Object.keys(probes);
  const results = await Promise.allSettled(names.map((name) => withDeadline(probes[name]!(), timeoutMs)));
  const checks: Record<string, 'up' | 'down'> = {};
  names.forEach((name, i) => (checks[name] = results[i]!.status === 'fulfilled' ? 'up' : 'down'));
  const down = names.filter((name) => checks[name] === 'down');
  return { status: down.length ? 503 : 200, body: { status: down.length ? 'degraded' : 'ok', checks, down } };
}
