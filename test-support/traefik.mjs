// Traefik, a real Gateway API controller and data plane, run outside the cluster against a test control
// plane (test-support/kube.mjs): it watches Gateways, HTTPRoutes, Services and EndpointSlices through the
// apiserver with a ServiceAccount token, writes their status, and proxies requests on 127.0.0.1 to the
// addresses in the color Services' EndpointSlices. Built and cached by script/control-plane (bootstrap
// starts the build in the background); a missing binary fails here, loudly.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { CONTROL_PLANE, ensureNamespace, getJson, until } from './kube.mjs';
import { freePort } from './peers.mjs';

export const GATEWAY_CLASS = 'traefik';
export const CONTROLLER = 'traefik.io/gateway-controller';

/** Where script/control-plane caches Traefik (its TRAEFIK= line; BG_CACHE, else ~/.cache/blue-green). */
export function traefikBinary() {
  const version = /^TRAEFIK=(\S+)/m.exec(readFileSync(CONTROL_PLANE, 'utf8'))?.[1];
  if (!version) throw new Error(`no TRAEFIK= line in ${CONTROL_PLANE}`);
  return join(process.env.BG_CACHE || join(homedir(), '.cache/blue-green'), 'traefik', version, 'traefik');
}

// The rights of Traefik's Gateway provider (its documented ClusterRole, without what only OTel uses).
const RBAC = `
apiVersion: v1
kind: Namespace
metadata: {name: traefik-system}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: traefik, namespace: traefik-system}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: traefik-gateway}
rules:
  - {apiGroups: [""], resources: [namespaces], verbs: [list, watch]}
  - {apiGroups: [""], resources: [services, secrets, configmaps], verbs: [get, list, watch]}
  - {apiGroups: [discovery.k8s.io], resources: [endpointslices], verbs: [list, watch]}
  - apiGroups: [gateway.networking.k8s.io]
    resources: [gatewayclasses, gateways, httproutes, grpcroutes, referencegrants]
    verbs: [get, list, watch]
  - apiGroups: [gateway.networking.k8s.io]
    resources: [gatewayclasses/status, gateways/status, httproutes/status, grpcroutes/status]
    verbs: [update]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: traefik-gateway}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: traefik-gateway}
subjects: [{kind: ServiceAccount, name: traefik, namespace: traefik-system}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: ${GATEWAY_CLASS}}
spec: {controllerName: ${CONTROLLER}}
`;

/** The condition of that type in a status, or undefined. */
const conditionOf = (object, type) => object?.status?.conditions?.find((c) => c.type === type);

/** Traefik processes not stopped yet: stopped when the process exits, so none outlives a crashed test file. */
const running = new Set();
process.once('exit', () => {
  for (const traefik of running) traefik.stop();
});

/**
 * Starts Traefik for the cluster: one entry point `web` on a free port of 127.0.0.1 (a Gateway listener
 * on that port attaches to it), the kubernetesGateway provider with an endpoint and a token. Resolves
 * once Traefik has accepted the GatewayClass, which proves it reads and writes through the apiserver.
 * `throttleMs`: Traefik's providersThrottleDuration (its default 2 s batches changes before applying them).
 */
export async function startTraefik(cluster, { throttleMs = 2000 } = {}) {
  const binary = traefikBinary();
  if (!existsSync(binary)) throw new Error(`Traefik is not built (no ${binary}): run script/bootstrap, then script/control-plane wait-build`);
  cluster.kubectl(['apply', '-f', '-'], { input: RBAC });
  const dir = mkdtempSync(join(tmpdir(), 'bg-traefik-'));
  const token = join(dir, 'token');
  writeFileSync(token, cluster.kubectl(['create', 'token', 'traefik', '-n', 'traefik-system', '--duration=2h']).trim(), { mode: 0o600 });
  const port = await freePort();
  const config = join(dir, 'traefik.yaml');
  writeFileSync(
    config,
    stringify({
      global: { checkNewVersion: false, sendAnonymousUsage: false },
      log: { level: 'INFO' },
      entryPoints: { web: { address: `127.0.0.1:${port}`, transport: { lifeCycle: { graceTimeOut: '1s' } } } },
      providers: {
        providersThrottleDuration: `${throttleMs}ms`,
        kubernetesGateway: { endpoint: cluster.server, token, certAuthFilePath: cluster.caFile },
      },
    }),
  );
  const log = join(dir, 'traefik.log');
  const out = openSync(log, 'a');
  // Its own environment: a KUBECONFIG or in-cluster variables would take precedence over the endpoint.
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir };
  const child = spawn(binary, [`--configFile=${config}`], { env, stdio: ['ignore', out, out], detached: true });
  let stopped = false;
  const traefik = {
    port,
    url: `http://127.0.0.1:${port}`,
    log,
    /** Traefik's log so far, for a failing test's message. */
    logText: () => readFileSync(log, 'utf8'),
    /** Stops Traefik (SIGTERM, then SIGKILL) and removes its folder; safe to call twice. */
    stop() {
      if (stopped) return;
      stopped = true;
      running.delete(traefik);
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
      rmSync(dir, { recursive: true, force: true });
    },
    /** A Gateway `name` in the namespace with one HTTP listener on Traefik's port; resolves once Programmed. */
    async gateway(namespace, name = 'gw') {
      await ensureNamespace(cluster, namespace);
      const gateway = {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'Gateway',
        metadata: { name, namespace },
        spec: { gatewayClassName: GATEWAY_CLASS, listeners: [{ name: 'web', port, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'Same' } } }] },
      };
      cluster.kubectl(['apply', '-f', '-'], { input: JSON.stringify(gateway) });
      await until(() => conditionOf(getJson(cluster, ['get', 'gateway', name, '-n', namespace]), 'Programmed')?.status === 'True', {
        what: `Traefik to program Gateway ${namespace}/${name}`,
        describe: () => JSON.stringify(getJson(cluster, ['get', 'gateway', name, '-n', namespace]).status),
      });
    },
  };
  running.add(traefik);
  child.on('exit', (code, signal) => {
    if (!stopped) console.error(`traefik exited (${code ?? signal}); log: ${log}\n${traefik.logText().slice(-2000)}`);
  });
  try {
    await until(() => conditionOf(getJson(cluster, ['get', 'gatewayclass', GATEWAY_CLASS]), 'Accepted')?.status === 'True', {
      timeoutMs: 30_000,
      what: 'Traefik to accept the GatewayClass',
      describe: () => traefik.logText().slice(-2000),
    });
  } catch (error) {
    traefik.stop();
    throw error;
  }
  return traefik;
}
