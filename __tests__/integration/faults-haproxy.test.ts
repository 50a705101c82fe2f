// Each external call of a haproxy release failing, hanging or answering garbage: test-support/fault-cases.ts.
import { faultSuite } from '../../test-support/fault-cases.js';

faultSuite('haproxy');
