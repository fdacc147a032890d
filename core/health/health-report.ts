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

export interface ReadinessProbes {
  /** Without these the process cannot serve at all: any one down makes it unready (503). */
  required: Record<string, Probe>;
  /** Shown, not blocking: the process still serves what does not need them (the edge, Idle check-ins). */
  advisory?: Record<string, Probe>;
}

export interface ReadinessReport {
  status: 200 | 503;
  body: {
    status: 'ready' | 'degraded' | 'unready';
    checks: Record<string, 'up' | 'down'>;
    down: string[];
  };
}

/** GET /readyz: every dependency probed; unready only when a required one is down, degraded for an advisory one. */
export async function checkReadiness(probes: ReadinessProbes, timeoutMs = 2_000): Promise<ReadinessReport> {
  const { body } = await checkHealth({ ...probes.advisory, ...probes.required }, timeoutMs);
  const blocking = body.down.some((name) => name in probes.required);
  return {
    status: blocking ? 503 : 200,
    body: {
      status: blocking ? 'unready' : body.down.length > 0 ? 'degraded' : 'ready',
      checks: body.checks,
      down: body.down,
    },
  };
}
