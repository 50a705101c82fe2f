// Entry of the main step: the bundle runs this file; `main.ts` holds the step, as `run()`.
import { run } from './main.js';

// Once the step is done (outputs, summary, lock released), nothing may hold the job: a library's request
// still waiting for an answer (a Kubernetes watch that never got its headers cannot be aborted before
// they come) would keep the process alive for its own timeout, up to 30 s after a cancel.
void run().finally(() => process.exit());
