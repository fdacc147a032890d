// Reads why a workflow failed, so a route can turn a known failure into a 4xx instead of a 503.
import { ApplicationFailure } from '@temporalio/client';

/** The first ApplicationFailure behind a failed workflow (workflow → activity → cause). */
export function applicationFailure(error: Error): ApplicationFailure | undefined {
  let cause: unknown = error;
  while (cause instanceof Error) {
    if (cause instanceof ApplicationFailure) return cause;
    cause = cause.cause;
  }
  return undefined;
}

export function failureType(error: Error): string | undefined {
  return applicationFailure(error)?.type ?? undefined;
}
