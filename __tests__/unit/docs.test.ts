import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { updateReadme } from '../../script/docs.mjs';

const actionYml = readFileSync('action.yml', 'utf8');

describe('README and action.yml', () => {
  it('README tables are what action.yml renders (run `npm run docs` to update)', () => {
    const readme = readFileSync('README.md', 'utf8');
    expect(readme).toBe(updateReadme(readme, actionYml));
  });

  it('action.yml declares every input and output of the public interface', () => {
    const action = parse(actionYml);
    const fixed = {
      inputs: 'mode router colors version dry-run image container deploy-command ready-timeout smoke-urls smoke-tests smoke-headers smoke-timeout smoke-retries health-window health-interval health-urls health-checks prometheus-url prometheus-headers failure-threshold error-threshold traffic-steps step-window rollback-on-failure github-token environment environment-url namespace service preview-service deployment color-label http-route kubeconfig listener-arn rule-arn target-groups test-listener-arn aws-region nginx-conf nginx-template nginx-test-command nginx-reload-command haproxy-socket haproxy-map haproxy-map-key haproxy-backend router-get-command router-set-command',
      outputs: 'result active-color previous-color target-color rolled-back reason deployment-id report flipped-at duration-seconds',
    };
    for (const name of fixed.inputs.split(' ')) expect(action.inputs, name).toHaveProperty([name]);
    for (const name of fixed.outputs.split(' ')) expect(action.outputs, name).toHaveProperty([name]);
    for (const spec of Object.values(action.inputs) as { description?: string }[]) expect(spec.description?.length).toBeGreaterThan(10);
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/main/index.js', post: 'dist/post/index.js', 'post-if': 'always()' });
  });
});
