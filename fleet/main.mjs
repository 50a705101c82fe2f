// Entry of the fleet steps: one small JavaScript action, four steps, chosen by the `step` input.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { appendSummary, error, info, input, jsonInput, setOutput, warning } from './io.mjs';
import { MAX_WAVES, PlanError, planFleet } from './plan.mjs';
import { readReport, recordName, recordOf } from './record.mjs';
import { afterUndo, markdown, summarize, undoPlan } from './verdict.mjs';

const STEPS = {
  plan() {
    const plan = planFleet({ targets: input('targets'), waves: input('waves'), approvals: input('approvals'), policy: input('policy'), version: input('version'), inputs: jsonInput('inputs', {}) });
    for (let wave = 1; wave <= MAX_WAVES; wave++) {
      const targets = plan.waves[wave - 1] ?? [];
      setOutput(`wave-${wave}`, targets.length ? { target: targets } : '');
      setOutput(`approval-${wave}`, plan.approvals[wave] ?? '');
      if (targets.length) info(`Wave ${wave}${plan.approvals[wave] ? ` (after approval in ${plan.approvals[wave]})` : ''}: ${targets.map((t) => t.name).join(', ')}`);
    }
    setOutput('version', plan.version);
    // Names this run's artifacts: a caller may run the fleet workflow twice in one run.
    const id = randomBytes(6).toString('hex');
    setOutput('id', id);
    // The undo plan and the summary read the targets from this file (an input holds at most 128 KB).
    writeRecord(`fleet-${id}-plan`, { targets: plan.targets });
    appendSummary(`## Fleet plan: ${plan.version} (${plan.policy})\n\n| Wave | Approval | Targets |\n|---|---|---|\n${plan.waves.map((targets, i) => `| ${i + 1} | ${plan.approvals[i + 1] ?? '—'} | ${targets.map((t) => t.name).join(', ')} |`).join('\n')}\n`);
  },

  record() {
    const outputs = jsonInput('outputs', {});
    const record = recordOf({ target: input('target'), wave: Number(input('wave')), phase: input('phase'), outputs, outcome: input('outcome'), report: readReport(outputs.report) });
    writeRecord(recordName(input('fleet-id'), record.phase, record.target), record);
    info(`${record.target} (${record.phase}): ${record.result || 'no result'}${record.reason ? `: ${record.reason}` : ''}`);
    // The undo's action step may fail without failing its job (a refusal is an answer); this fails it
    // when the target was not put back and may still serve this release.
    const after = record.phase === 'undo' ? afterUndo(record, { result: 'promoted' }, input('version')) : undefined;
    if (after?.outcome === 'failed') {
      error(`${record.target}: ${after.reason}`, 'Fleet undo');
      process.exitCode = 1;
    }
  },

  'undo-plan'() {
    const { stopped, undo } = undoPlan(given());
    if (!stopped) info('Every target of every wave was promoted: nothing to put back.');
    else if (!undo.length) info(`${stopped.text}. Nothing to put back (policy ${input('policy')}, or no target was promoted).`);
    else info(`${stopped.text}. Putting back, where it still serves ${input('version')}: ${undo.map((t) => t.name).join(', ')}`);
    setOutput('matrix', undo.length ? { target: undo } : '');
  },

  summary() {
    const summary = summarize({ ...given(), version: input('version') });
    appendSummary(markdown(summary));
    // The summary step itself succeeds: its outputs are the verdict, and a failed wave already failed the run.
    if (summary.result === 'failed') error(summary.reason, 'Fleet failed: some targets were not put back');
    else if (summary.result !== 'promoted' && summary.result !== 'unchanged') warning(summary.reason, `Fleet ${summary.result}`);
    else info(`Fleet ${summary.result}: ${summary.reason}`);
    setOutput('result', summary.result);
    setOutput('reason', summary.reason);
    for (const [name, targets] of Object.entries(summary.lists)) setOutput(name, targets);
    setOutput('rows', summary.rows);
  },
};

/** Writes a JSON file to upload as the artifact `name`; its path and name become the step's outputs. */
function writeRecord(name, value) {
  const dir = join(process.env.RUNNER_TEMP || '.', 'blue-green-fleet');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.json`);
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
  setOutput('path', path);
  setOutput('artifact', name);
}

/** What the undo plan and the summary decide from: the plan's targets, the jobs' results, the records. */
function given() {
  const dir = input('records');
  const prefix = `fleet-${input('fleet-id')}-`;
  // No artifact at all downloads nothing, and leaves no folder.
  const files = dir && existsSync(dir) ? readdirSync(dir, { recursive: true }).map(String).filter((file) => file.endsWith('.json') && basename(file).startsWith(prefix)) : [];
  const read = (file) => JSON.parse(readFileSync(join(dir, file), 'utf8'));
  const plan = files.find((file) => basename(file) === `${prefix}plan.json`);
  if (!plan) throw new Error(`The plan (${prefix}plan.json) was not found in ${dir || "the 'records' input"}: it is uploaded by the plan job.`);
  const records = files.filter((file) => file !== plan).map(read);
  return { targets: read(plan).targets, jobs: jsonInput('jobs', {}), records, policy: input('policy') };
}

try {
  const step = Object.hasOwn(STEPS, input('step')) ? STEPS[input('step')] : undefined;
  if (!step) throw new Error(`Input 'step': got "${input('step')}"; expected one of: ${Object.keys(STEPS).join(', ')}.`);
  step();
} catch (caught) {
  if (caught instanceof PlanError) for (const problem of caught.problems) error(problem, 'Fleet input');
  else error(caught instanceof Error ? caught.message : String(caught), `Fleet ${input('step')}`);
  process.exitCode = 1;
}
