// Each external call of a command release failing, hanging or answering garbage: test-support/fault-cases.ts.
import { faultSuite } from '../../test-support/fault-cases.js';

faultSuite('command');
