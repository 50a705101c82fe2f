// Entry of the main step: the bundle runs this file; `main.ts` holds the step, as `run()`.
import { run } from './main.js';

void run();
