/**
 * API errors said in the user's terms: what was refused, on which object, and what to do. The API's
 * Status body carries the facts (reason, message, details); we keep its message where it is the most
 * precise thing to say (422), and name the missing right where RBAC refused (403).
 */
import { formatDuration } from '../../infra/duration.js';

export interface ApiRef {
  apiVersion: string;
  kind: string;
  name: string;
}

interface StatusBody {
  message?: string;
  reason?: string;
}

/** The resource as RBAC names it: `services`, `deployments.apps`, `httproutes.gateway.networking.k8s.io`. */
export function rbacResource(ref: ApiRef): string {
  const plural = pluralOf(ref.kind);
  const group = ref.apiVersion.includes('/') ? ref.apiVersion.split('/')[0] : '';
  return group ? `${plural}.${group}` : plural;
}

/** The resource name in URLs and RBAC rules: `Deployment` → `deployments`. */
export function pluralOf(kind: string): string {
  return PLURALS[kind] ?? `${kind.toLowerCase()}s`;
}

const PLURALS: Record<string, string> = {
  Service: 'services',
  Deployment: 'deployments',
  HTTPRoute: 'httproutes',
  Lease: 'leases',
  Pod: 'pods',
  EndpointSlice: 'endpointslices',
  ReplicaSet: 'replicasets',
};

function body(error: unknown): StatusBody {
  const raw = (error as { body?: unknown }).body;
  if (typeof raw === 'string') {
    try {
      return JSON.parse(raw) as StatusBody;
    } catch {
      return { message: raw };
    }
  }
  return (raw as StatusBody | undefined) ?? {};
}

/** The object a call was about, or the resource for a call on a collection (list, watch). */
function objectOf(ref: ApiRef): string {
  return ref.name ? `${ref.kind} "${ref.name}"` : rbacResource(ref);
}

/** A request the API server left unanswered: which call, on what, and how long it waited. */
export function timedOut(verb: string, ref: ApiRef, namespace: string, ms: number, write = false): Error {
  const given = write ? ', so the write was given up (it must not land after another run may have taken the Lease)' : '';
  return new Error(`could not ${verb} ${objectOf(ref)} in namespace "${namespace}": timed out after ${formatDuration(ms)} without an answer from the API server${given}`);
}

/** Turns a client error into one that names the verb, the object and the remedy. Others pass through. */
export function describeApiError(error: unknown, verb: string, ref: ApiRef, namespace: string): Error {
  const code = (error as { code?: number }).code;
  // Only an API answer carries an HTTP status; a DOMException's `code` (23 for a timeout) is not one.
  if (typeof code !== 'number' || code < 100) return error instanceof Error ? error : new Error(String(error));
  const status = body(error);
  const object = objectOf(ref);
  const where = `in namespace "${namespace}"`;
  switch (code) {
    case 401:
      return new Error(`the cluster did not accept the credentials (401 Unauthorized) when trying to ${verb} ${object} ${where}; check the kubeconfig's user (an expired token?)`);
    case 403:
      return new Error(
        `the credentials may not ${verb} ${rbacResource(ref)} ${where} (403 Forbidden): grant "${verb}" on "${rbacResource(ref)}" in the Role the action runs with (kubernetes/role.yaml in the action's repository lists every right it needs)`,
      );
    case 404:
      return new Error(`${object} was not found ${where}`);
    case 409:
      return new Error(
        `${object} ${where} was changed by someone else between this run's read and its ${verb} (409 Conflict: ${status.message ?? 'the object has been modified'}); nothing was overwritten`,
      );
    case 422:
      return new Error(`the API refused to ${verb} ${object} ${where} (422 Invalid): ${status.message ?? 'no message'}`);
    default:
      return new Error(`could not ${verb} ${object} ${where}: HTTP ${code}${status.message ? `: ${status.message}` : ''}`);
  }
}
