import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readResults, updateReadme } from '../../script/docs.mjs';

const actionYml = readFileSync('action.yml', 'utf8');

describe('README and action.yml', () => {
  it('README tables and measured figures are what action.yml and bench/results render (run `npm run docs` to update)', () => {
    const readme = readFileSync('README.md', 'utf8');
    expect(readme).toBe(updateReadme(readme, actionYml, readResults('.')));
  });

  it('the Measured section quotes figures only from the rendered blocks', () => {
    const readme = readFileSync('README.md', 'utf8');
    const measured = readme.slice(readme.indexOf('## Measured'), readme.indexOf('## Inputs'));
    const prose = measured.replace(/<!-- ([\w-]+):start -->[\s\S]*?<!-- \1:end -->/g, '');
    // What is not a measurement: the loopback address, the HTTP codes a fault proxy answers with, and
    // Traefik's documented default throttle.
    const numbers = (prose.match(/\d[\d.,]*/g) ?? []).map((n) => n.replace(/[.,]$/, ''));
    expect(numbers.filter((n) => !['127.0.0.1', '403', '429', '500', '503', '2'].includes(n))).toEqual([]);
  });

  it('action.yml declares every input and output of the public interface', () => {
    const action = parse(actionYml);
    const fixed = {
      inputs: 'mode router colors version dry-run image container deploy-command ready-timeout smoke-urls smoke-tests smoke-headers smoke-timeout smoke-retries health-window health-interval health-urls health-checks prometheus-url prometheus-headers failure-threshold error-threshold traffic-steps step-window rollback-on-failure github-token environment environment-url namespace service preview-service deployment color-label http-route kubeconfig listener-arn rule-arn target-groups test-listener-arn aws-region nginx-conf nginx-template nginx-marker nginx-test-command nginx-reload-command haproxy-socket haproxy-map haproxy-map-key haproxy-backend router-get-command router-set-command',
      outputs: 'result active-color previous-color target-color rolled-back reason deployment-id report flipped-at duration-seconds',
    };
    for (const name of fixed.inputs.split(' ')) expect(action.inputs, name).toHaveProperty([name]);
    for (const name of fixed.outputs.split(' ')) expect(action.outputs, name).toHaveProperty([name]);
    for (const spec of Object.values(action.inputs) as { description?: string }[]) expect(spec.description?.length).toBeGreaterThan(10);
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/main.mjs', post: 'dist/post.mjs', 'post-if': 'always()' });
  });

  it('every YAML example in the README parses, uses only declared inputs, and keeps ${{ }} out of scripts', () => {
    const inputs = Object.keys(parse(actionYml).inputs);
    const blocks = [...readFileSync('README.md', 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(blocks.length).toBeGreaterThan(3);
    for (const block of blocks) {
      const doc = parse(block);
      const steps = Object.values((doc?.jobs ?? {}) as Record<string, { steps?: Record<string, unknown>[] }>).flatMap((job) => job.steps ?? []);
      for (const step of steps) {
        if (String(step.uses ?? '').includes('blue-green-action')) {
          for (const key of Object.keys((step.with ?? {}) as object)) expect(inputs, `with: ${key}`).toContain(key);
        }
        expect(String(step.run ?? ''), 'outputs reach scripts through env:').not.toContain('${{');
      }
      // A bare `with:` fragment (the per-router snippets) names only declared inputs too.
      if (doc && !doc.jobs && !doc.on) for (const key of Object.keys(doc)) expect(inputs, `snippet key ${key}`).toContain(key);
    }
  });
});
