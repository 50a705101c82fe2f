import { fillArgv } from '../infra/argv.js';
import { exec, tail } from '../infra/exec.js';
import type { Fence } from '../infra/fence.js';
import type { Log } from '../infra/log.js';
import type { Color, Deployer } from '../types.js';

/** Runs `deploy-command` for the idle color, without a shell, bounded by `ready-timeout`. */
export class CommandDeployer implements Deployer {
  readonly description: string;

  constructor(
    private readonly argv: string[],
    private readonly version: string,
    private readonly timeoutMs: number,
    private readonly log: Log,
    private readonly fence: Fence,
  ) {
    this.description = `deploy-command \`${argv.join(' ')}\``;
  }

  async deploy(target: Color, active: Color | undefined, signal?: AbortSignal): Promise<void> {
    const argv = fillArgv(this.argv, { color: target, version: this.version });
    const env = { BG_COLOR: target, BG_ACTIVE_COLOR: active ?? '', BG_VERSION: this.version };
    await this.fence.check(`deploy-command for ${target}`);
    const result = await exec(argv, { env, timeoutMs: this.timeoutMs, signal, onLine: (line) => this.log.info(line) });
    if (result.aborted) throw signal?.reason ?? new Error('deploy-command was stopped: the run was cancelled');
    if (result.timedOut) throw new Error(`deploy-command did not finish within ready-timeout (${this.timeoutMs}ms) and was stopped`);
    if (result.code !== 0) {
      throw new Error(`deploy-command exited with ${result.code ?? 'a signal'} for ${target}: ${tail(result.stderr || result.stdout, 3)}`);
    }
    if (result.leftRunning) {
      this.log.info('deploy-command exited and left processes running (it started them in the background); they keep running, and their output is not shown here.');
    }
  }
}
