import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { PodMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor';
import { parseAllDocuments } from 'yaml';

/**
 * Every manifest in deploy/kubernetes/ is checked against the Kubernetes OpenAPI schemas that
 * kubernetes-models ships (no cluster, no download), and every pod spec against the Pod Security
 * "restricted" profile.
 */
type Model = new (data: never) => { validate(): void };
const models: Record<string, Model> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/Ingress': Ingress,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'monitoring.coreos.com/v1/PodMonitor': PodMonitor,
};

/** A parsed YAML document: its shape is what the schema check is for. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = any;
interface Manifest {
  file: string;
  doc: Doc;
}
const dir = join(__dirname, 'kubernetes');
const manifests: Manifest[] = readdirSync(dir)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort()
  .flatMap((file) =>
    parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((d) => {
      if (d.errors.length > 0) throw new Error(`${file}: ${d.errors.map((e) => e.message).join('; ')}`);
      return { file, doc: d.toJS() };
    }),
  );
const byKind = (kind: string) => manifests.filter((m) => m.doc?.kind === kind).map((m) => m.doc);
const one = (kind: string) => {
  const found = byKind(kind);
  expect(found).toHaveLength(1);
  return found[0];
};
/** The API container's port number by name. */
const containerPort = (name: string): number =>
  one('Deployment').spec.template.spec.containers[0].ports.find((p: Doc) => p.name === name).containerPort;
const podSpecs = manifests
  .filter((m) => m.doc?.kind === 'Deployment' || m.doc?.kind === 'Job')
  .map((m) => ({ name: `${m.file} ${m.doc.kind}`, spec: m.doc.spec.template.spec }));

describe('deploy/kubernetes', () => {
  it('has the manifests a restricted cluster needs', () => {
    expect(manifests.map((m) => m.doc.kind).sort()).toEqual(
      [
        'ConfigMap',
        'Deployment',
        'HorizontalPodAutoscaler',
        'Ingress',
        'Job',
        'Namespace',
        'NetworkPolicy',
        'PodDisruptionBudget',
        'PodMonitor',
        'Secret',
        'Service',
        'ServiceAccount',
      ].sort(),
    );
  });

  it.each(manifests.map((m) => [`${m.file} ${m.doc.kind}`, m] as const))('%s matches the Kubernetes schema', (_name, { doc }) => {
    const model = models[`${doc.apiVersion}/${doc.kind}`];
    expect(model).toBeDefined();
    expect(() => new model(doc as never).validate()).not.toThrow();
  });

  it('the schema check does catch a wrong manifest', () => {
    const deployment = structuredClone(one('Deployment'));
    deployment.spec.template.spec.containers[0].ports[0].containerPort = 'http';
    expect(() => new Deployment(deployment).validate()).toThrow(/containerPort/);
    const job = structuredClone(one('Job'));
    job.spec.ttlSecondsAfterFinished = '1h';
    expect(() => new Job(job).validate()).toThrow(/ttlSecondsAfterFinished/);
  });

  it('the namespace enforces the restricted profile', () => {
    expect(one('Namespace').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  describe.each(podSpecs)('$name pod spec', ({ spec }) => {
    it('runs as non-root with seccomp RuntimeDefault and no service account token', () => {
      expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } });
      expect(spec.automountServiceAccountToken).toBe(false);
      expect(spec.serviceAccountName).toBe(one('ServiceAccount').metadata.name);
      expect(spec.hostNetwork ?? false).toBe(false);
      expect(spec.hostPID ?? false).toBe(false);
      expect(spec.hostIPC ?? false).toBe(false);
      expect(spec.volumes.every((v: Doc) => v.hostPath === undefined)).toBe(true);
    });

    it('each container: no privilege escalation, every capability dropped, read-only root, resources', () => {
      const containers = [...(spec.initContainers ?? []), ...spec.containers];
      expect(containers.length).toBeGreaterThan(0);
      for (const c of containers) {
        expect(c.securityContext).toMatchObject({
          runAsNonRoot: true,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        });
        expect(c.securityContext.privileged ?? false).toBe(false);
        expect(c.securityContext.capabilities.add ?? []).toEqual([]);
        expect(c.resources.requests).toEqual(expect.objectContaining({ cpu: expect.any(String), memory: expect.any(String) }));
        expect(c.resources.limits).toEqual(expect.objectContaining({ cpu: expect.any(String), memory: expect.any(String) }));
        for (const port of c.ports ?? []) expect(port.hostPort).toBeUndefined();
        // with a read-only root, /tmp is an emptyDir
        const tmp = c.volumeMounts.find((m: Doc) => m.mountPath === '/tmp');
        expect(spec.volumes.find((v: Doc) => v.name === tmp.name).emptyDir).toBeDefined();
      }
    });
  });

  it('probes: a startup probe, and readiness waits longer than the ready check gives the database', () => {
    const api = one('Deployment').spec.template.spec.containers[0];
    expect(api.startupProbe.httpGet.path).toBe('/health/live');
    expect(api.livenessProbe.httpGet.path).toBe('/health/live');
    expect(api.readinessProbe.httpGet.path).toBe('/health/ready');
    const controller = readFileSync(join(__dirname, '..', 'src', 'health', 'health.controller.ts'), 'utf8');
    const pingTimeoutMs = Number(/pingCheck\('database', \{ timeout: (\d+) \}\)/.exec(controller)?.[1]);
    expect(pingTimeoutMs).toBeGreaterThan(0);
    expect(api.readinessProbe.timeoutSeconds * 1000).toBeGreaterThan(pingTimeoutMs);
  });

  it('graceful rollout: the grace period outlasts the drain delay and the close timeout', () => {
    const pod = one('Deployment').spec.template.spec;
    const main = readFileSync(join(__dirname, '..', 'src', 'main.ts'), 'utf8');
    const closeTimeoutMs = Number(/CLOSE_TIMEOUT_MS = ([\d_]+);/.exec(main)?.[1].replace(/_/g, ''));
    expect(closeTimeoutMs).toBeGreaterThan(0);
    const drainMs = Number(one('ConfigMap').data.SHUTDOWN_DRAIN_MS);
    expect(drainMs).toBeGreaterThan(0);
    const preStopMs = (pod.containers[0].lifecycle?.preStop?.sleep?.seconds ?? 0) * 1000;
    expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThan(preStopMs + drainMs + closeTimeoutMs);
  });

  it('the migration Job: a fresh name per run, a deadline, and cleanup', () => {
    const job = one('Job');
    expect(job.metadata.name).toBeUndefined();
    expect(job.metadata.generateName).toMatch(/-$/);
    expect(job.spec.activeDeadlineSeconds).toBeGreaterThan(0);
    expect(job.spec.ttlSecondsAfterFinished).toBeGreaterThan(0);
    // not selected by the Service or the PodDisruptionBudget, but covered by the NetworkPolicy
    const jobLabels = job.spec.template.metadata.labels;
    expect(one('Service').spec.selector.app).not.toBe(jobLabels.app);
    expect(one('NetworkPolicy').spec.podSelector.matchExpressions[0].values).toEqual(
      expect.arrayContaining([jobLabels.app, one('Deployment').spec.template.metadata.labels.app]),
    );
  });

  it('the ServiceAccount mounts no token', () => {
    expect(one('ServiceAccount').automountServiceAccountToken).toBe(false);
  });

  it('the NetworkPolicy admits the API port, the metrics port only from Prometheus, and lets out only DNS, PostgreSQL, Redis and SMTP', () => {
    const policy = one('NetworkPolicy').spec;
    expect(policy.policyTypes).toEqual(['Ingress', 'Egress']);
    const apiPort = containerPort('http');
    expect(policy.ingress.flatMap((r: Doc) => r.ports)).toEqual([
      { protocol: 'TCP', port: apiPort },
      { protocol: 'TCP', port: containerPort('metrics') },
    ]);
    const metricsRule = policy.ingress.find((r: Doc) => r.ports.some((p: Doc) => p.port === containerPort('metrics')));
    expect(metricsRule.from).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }]);
    const egress = policy.egress.flatMap((r: Doc) => r.ports.map((p: Doc) => `${p.protocol}/${p.port}`)).sort();
    expect(egress).toEqual(['TCP/465', 'TCP/5432', 'TCP/53', 'TCP/587', 'TCP/6379', 'UDP/53'].sort());
    for (const rule of policy.egress) expect(rule.to.length).toBeGreaterThan(0);
  });

  it('the PodDisruptionBudget and the HPA target the API Deployment', () => {
    const deployment = one('Deployment');
    expect(one('PodDisruptionBudget').spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
    const hpa = one('HorizontalPodAutoscaler').spec;
    expect(hpa.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name });
    expect(hpa.minReplicas).toBeGreaterThanOrEqual(2);
  });

  it('the Ingress terminates TLS for its host and routes to the Service', () => {
    const ingress = one('Ingress').spec;
    expect(ingress.tls[0].hosts).toContain(ingress.rules[0].host);
    expect(ingress.tls[0].secretName).toEqual(expect.any(String));
    expect(ingress.rules[0].http.paths[0].backend.service.name).toBe(one('Service').metadata.name);
  });

  it('Prometheus scrapes /metrics on each pod at METRICS_PORT, which the Service does not expose, with METRICS_TOKEN as bearer token', () => {
    const [endpoint] = one('PodMonitor').spec.podMetricsEndpoints;
    expect(endpoint.path).toBe('/metrics');
    expect(endpoint.port).toBe('metrics');
    expect(Number(one('ConfigMap').data.METRICS_PORT)).toBe(containerPort('metrics'));
    expect(one('PodMonitor').spec.selector.matchLabels).toEqual(one('Deployment').spec.selector.matchLabels);
    const servicePorts = one('Service').spec.ports;
    expect(servicePorts.map((p: Doc) => p.targetPort)).toEqual(['http']);
    expect(servicePorts.some((p: Doc) => p.port === containerPort('metrics') || p.targetPort === 'metrics')).toBe(false);
    expect(endpoint.authorization).toEqual({ type: 'Bearer', credentials: { name: one('Secret').metadata.name, key: 'METRICS_TOKEN' } });
    expect(one('Secret').stringData.METRICS_TOKEN).toBeDefined();
  });
});
