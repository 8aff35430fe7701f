/**
 * The fault suite, finance: each fault the sandbox can inject, under concurrent load through the
 * gateway (see stack/src/faults/bureau-fault-suite.ts for what is checked).
 */
import { describeBureauFaults } from './faults/bureau-fault-suite';

describeBureauFaults('FINANCE');
