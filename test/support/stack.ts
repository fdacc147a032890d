// What the global setup started once per run, handed to every test file through vitest's provide/inject.
import { inject } from 'vitest';
import type { PlaneRoles } from '../../runtime/db/provision.js';

export interface KeepTestStack {
  postgresUrl: string;
  roles: PlaneRoles;
  temporalAddress: string;
  temporalNamespace: string;
  workflowBundle: string;
  payloadKeys: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    keepStack: KeepTestStack;
  }
}

export function testStack(): KeepTestStack {
  return inject('keepStack');
}
