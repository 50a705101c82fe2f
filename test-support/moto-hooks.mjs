// Test-file hooks around moto (test-support/moto.mjs stays free of the test runner: bench scripts use it too).
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startMoto } from './moto.mjs';

/**
 * One moto for the calling test file: started before its tests, reset before each, stopped after all.
 * The object returned stands for it while the tests run.
 * @returns {Awaited<ReturnType<typeof startMoto>>}
 */
export function useMoto() {
  let moto;
  beforeAll(async () => {
    moto = await startMoto();
  }, 60_000);
  afterAll(() => moto?.stop());
  beforeEach(() => moto.reset());
  return new Proxy(
    {},
    {
      get(_target, key) {
        if (!moto) throw new Error('moto runs only while the tests of this file run');
        const value = moto[key];
        return typeof value === 'function' ? value.bind(moto) : value;
      },
    },
  );
}
