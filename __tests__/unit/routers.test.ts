import { describe, expect, it, vi } from 'vitest';
import { Fence } from '../../src/infra/fence.js';
import { parseRoute } from '../../src/routers/command/index.js';
import { createRouter } from '../../src/routers/index.js';
import { readSettings } from '../../src/settings.js';
import { FakeClock, RecordingLog, inputs } from '../../test-support/fakes.js';

const nginxLoaded = vi.hoisted(() => ({ value: false }));
vi.mock('../../src/routers/nginx/index.js', async (original) => {
  nginxLoaded.value = true;
  return original();
});

describe('router factory', () => {
  it('never loads a router that was not chosen', async () => {
    const settings = readSettings(inputs({ router: 'command', 'router-get-command': 'get', 'router-set-command': 'set {color}', version: 'v' }));
    const router = await createRouter(settings, { clock: new FakeClock(), log: new RecordingLog(), owner: { job: 'r', pid: 1 }, fence: new Fence() });
    expect(router.description).toBe('command router');
    expect(nginxLoaded.value).toBe(false);
    const nginx = readSettings(inputs({ router: 'nginx', 'nginx-conf': '/tmp/x.conf', version: 'v' }));
    await createRouter(nginx, { clock: new FakeClock(), log: new RecordingLog(), owner: { job: 'r', pid: 1 }, fence: new Fence() });
    expect(nginxLoaded.value).toBe(true);
  });
});

describe('command router output', () => {
  const colors = ['blue', 'green'];
  it('reads a color, nothing, or weights', () => {
    expect(parseRoute('green', colors)).toEqual({ active: 'green' });
    expect(parseRoute('', colors)).toEqual({});
    expect(parseRoute('blue=90 green=10', colors)).toEqual({ active: 'blue', weights: { blue: 90, green: 10 } });
    expect(parseRoute('blue=0,green=100', colors)).toEqual({ active: 'green' });
  });
  it('refuses anything else, quoting it', () => {
    expect(() => parseRoute('purple', colors)).toThrow(/router-get-command printed "purple"; expected one of blue, green/);
  });
});
