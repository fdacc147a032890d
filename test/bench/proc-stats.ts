// What Linux says about a process and the machine: resident memory, CPU time and the load average, from /proc.
import { readFileSync } from 'node:fs';

/** /proc reports CPU time in USER_HZ ticks, which the kernel's ABI fixes at 100 per second. */
const TICKS_PER_SECOND = 100;
const KIB = 1024;

export interface ProcessSample {
  /** Resident set size now, and its high-water mark (VmHWM), in bytes. */
  rssBytes: number;
  peakRssBytes: number;
  /** User + system CPU time consumed so far, in milliseconds. */
  cpuMs: number;
  /** performance.now() of this process when the sample was read. */
  at: number;
}

function statusField(status: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
  if (!match) throw new Error(`/proc status has no ${field}`);
  return Number(match[1]) * KIB;
}

export function sampleProcess(pid: number): ProcessSample {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces and parentheses: count fields from the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
  const ticks = Number(fields[11]) + Number(fields[12]);
  return {
    rssBytes: statusField(status, 'VmRSS'),
    peakRssBytes: statusField(status, 'VmHWM'),
    cpuMs: (ticks / TICKS_PER_SECOND) * 1000,
    at: performance.now(),
  };
}

/** CPU used between two samples, as a percentage of one core over the wall time between them. */
export function cpuPercent(before: ProcessSample, after: ProcessSample): number {
  const wallMs = after.at - before.at;
  return wallMs > 0 ? ((after.cpuMs - before.cpuMs) / wallMs) * 100 : 0;
}

/** The 1, 5 and 15 minute load averages, as /proc/loadavg gives them. */
export function loadAverage(): [number, number, number] {
  const [one, five, fifteen] = readFileSync('/proc/loadavg', 'utf8').split(' ').map(Number);
  return [one ?? 0, five ?? 0, fifteen ?? 0];
}
