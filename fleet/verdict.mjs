// What the fleet decides once its waves stopped: which targets to put back, and the fleet's verdict.
// Inputs are plain data (the plan's targets, the wave jobs' results, the per-target records), so every
// decision is a function the unit tests call directly.

/** A wave job with one of these results started its targets. */
const STARTED = ['success', 'failure', 'cancelled'];
/** What a target's release may end as and still count as done. */
const DONE = ['promoted', 'unchanged'];
/** Outcomes of a target that leave nothing of this release where it should not be. */
const SETTLED = ['promoted', 'put back', 'rolled back', 'untouched', 'left alone', 'not live', 'not started', 'unchanged'];

/** `jobs`: each earlier job's result by job id (`wave-2`: `failure`), as the workflow passes them. */
export const waveStarted = (jobs, wave) => STARTED.includes(jobs?.[`wave-${wave}`] ?? '');

const find = (records, phase, name) => records.find((record) => record.phase === phase && record.target === name);

/**
 * Why the fleet stopped short of every target, or undefined when every target's release is done:
 * the first wave with a target that did not end promoted, or a wave that did not start.
 */
export function whyStopped(targets, jobs, records) {
  const waves = [...new Set(targets.map((target) => target.wave))].sort((a, b) => a - b);
  for (const wave of waves) {
    const job = jobs?.[`wave-${wave}`] || 'not run';
    if (!waveStarted(jobs, wave)) {
      const gate = jobs?.[`approval-${wave}`];
      if (gate && gate !== 'success' && gate !== 'skipped') return { wave, text: `wave ${wave} did not start: its approval ended ${gate}` };
      return { wave, text: `wave ${wave} did not start (its job: ${job})` };
    }
    const bad = targets
      .filter((target) => target.wave === wave)
      .map((target) => ({ target, record: find(records, 'release', target.name) }))
      .filter(({ record }) => !record || !DONE.includes(record.result));
    if (bad.length) {
      const said = bad.map(({ target, record }) => `${target.name} ${record?.result || 'did not report'}${record?.reason ? ` (${record.reason})` : ''}`);
      return { wave, text: `wave ${wave} failed: ${said.join('; ')}` };
    }
    if (job !== 'success') return { wave, text: `wave ${wave} ended ${job}` };
  }
  return undefined;
}

/**
 * The targets to put back: under all-or-nothing, once the fleet stopped short, every target of a
 * started wave that this release may have promoted (promoted; failed, whose state is unknown; or
 * silent). The undo runs with only-if-version, so a target that no longer serves this release is
 * left alone by the action itself, not by a guess made here.
 */
export function undoPlan({ targets, jobs, records, policy }) {
  const stopped = whyStopped(targets, jobs, records);
  if (!stopped || policy !== 'all-or-nothing') return { stopped, undo: [] };
  const undo = targets.filter((target) => {
    if (!waveStarted(jobs, target.wave)) return false;
    const record = find(records, 'release', target.name);
    return !record || record.result === 'promoted' || record.result === 'failed' || record.result === '';
  });
  return { stopped, undo };
}

/** One row per target: where the release left it. */
function rowOf(target, { jobs, records, version, undone, cancelled }) {
  const release = find(records, 'release', target.name);
  const undo = find(records, 'undo', target.name);
  const row = { target: target.name, wave: target.wave, release: release?.result || '', undo: undo?.result || '', activeColor: undo?.activeColor || release?.activeColor || '', version: '', promoteSeconds: undefined, reason: undo?.reason || release?.reason || '' };
  if (!waveStarted(jobs, target.wave)) return { ...row, outcome: 'not started', reason: '' };
  if (release?.result === 'promoted') row.promoteSeconds = release.durationSeconds;
  if (undo) return { ...row, ...afterUndo(undo, release, version) };
  if (undone.has(target.name)) {
    const why = cancelled ? 'the run was cancelled before this target was put back' : 'the undo did not report';
    return { ...row, outcome: 'failed', reason: `${why}; it may still serve ${version}: check it, then run mode "rollback" with only-if-version ${version}` };
  }
  switch (release?.result) {
    case 'promoted':
      return { ...row, outcome: 'promoted', version };
    case 'rolled-back':
      return { ...row, outcome: 'rolled back' };
    case 'aborted':
      return { ...row, outcome: 'untouched' };
    case 'unchanged':
      return { ...row, outcome: 'unchanged' };
    default:
      return { ...row, outcome: 'failed', reason: row.reason || 'the release did not report: the job failed before or during the action' };
  }
}

/** Where an undo left a target; `failed` when it was not put back and still may serve `version`. */
export function afterUndo(undo, release, version) {
  const live = undo.liveVersion ?? {};
  if (undo.result === 'rolled-back') return { outcome: 'put back', version: live.returnsTo ?? '' };
  // only-if-version found another version live: someone released since (or this release never got there).
  if (undo.result === 'aborted' && live.serves && live.serves !== version) {
    return { outcome: release?.result === 'promoted' ? 'left alone' : 'not live', version: live.serves };
  }
  const shows = undo.routerShows ?? undo.activeColor;
  return { outcome: 'failed', reason: `not put back (undo ${undo.result || 'did not report'}${shows ? `; router shows ${shows}` : ''}): ${undo.reason || 'no reason given'}` };
}

/**
 * The fleet's verdict: `promoted` (every target), `rolled-back` (nothing of this release is live where
 * it was undone, left alone or never went), `failed` (a target could not be put back, or its state is
 * unknown), `partial` (partial-ok kept promoted targets after a failure), `unchanged` (a dry run).
 */
export function summarize({ targets, jobs, records, policy, version }) {
  const { stopped, undo } = undoPlan({ targets, jobs, records, policy: 'all-or-nothing' });
  const undone = new Set(policy === 'all-or-nothing' ? undo.map((target) => target.name) : []);
  const cancelled = Object.values(jobs ?? {}).includes('cancelled');
  const rows = targets.map((target) => rowOf(target, { jobs, records, version, undone, cancelled }));
  const named = (outcome) => rows.filter((row) => row.outcome === outcome).map((row) => row.target);
  const lists = {
    promoted: named('promoted'),
    'rolled-back': [...named('put back'), ...named('rolled back')],
    'left-alone': named('left alone'),
    failed: rows.filter((row) => !SETTLED.includes(row.outcome)).map((row) => row.target),
    'not-started': named('not started'),
  };
  let result = 'rolled-back';
  if (lists.failed.length) result = 'failed';
  else if (lists.promoted.length === rows.length) result = 'promoted';
  else if (rows.every((row) => row.outcome === 'unchanged')) result = 'unchanged';
  else if (lists.promoted.length) result = 'partial';
  return { result, reason: reasonFor(result, { stopped, lists, rows, version, policy }), version, policy, rows, lists };
}

function reasonFor(result, { stopped, lists, rows, version, policy }) {
  if (result === 'promoted') return `All ${rows.length} targets promoted ${version}.`;
  if (result === 'unchanged') return `Dry run: nothing was changed on ${rows.length} targets.`;
  const parts = [`${capital(stopped?.text ?? 'the fleet stopped')}.`];
  const say = (label, names) => names.length && parts.push(`${label}: ${names.join(', ')}.`);
  if (result === 'failed') {
    const failed = rows.filter((row) => lists.failed.includes(row.target));
    parts.push(`Not put back: ${failed.map((row) => `${row.target} (${row.reason})`).join('; ')}.`);
  }
  say('Put back', rows.filter((row) => row.outcome === 'put back').map((row) => row.target));
  say(`Left alone (released again since; ${version} no longer live there)`, lists['left-alone']);
  if (policy === 'partial-ok') say('Kept promoted (partial-ok)', lists.promoted);
  else say('Still promoted', lists.promoted);
  say('Not started', lists['not-started']);
  return parts.join(' ');
}

const capital = (text) => text.charAt(0).toUpperCase() + text.slice(1);

/** The fleet summary: the verdict, then one row per target. */
export function markdown(summary) {
  const cell = (text) => String(text ?? '').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ') || '—';
  const lines = [
    `## Fleet release ${summary.version}: ${summary.result}`,
    '',
    cell(summary.reason),
    '',
    `Policy: ${summary.policy}.`,
    '',
    '| Target | Wave | Result | Release | Undo | Active color | Version | Time to promote | Reason |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const row of summary.rows) {
    const seconds = row.promoteSeconds === undefined ? '' : `${row.promoteSeconds} s`;
    lines.push(`| ${[row.target, row.wave, `**${row.outcome}**`, row.release, row.undo, row.activeColor, row.version, seconds, row.reason].map(cell).join(' | ')} |`);
  }
  return `${lines.join('\n')}\n`;
}
