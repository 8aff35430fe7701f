/**
 * The fault suite, medical insurance: each fault the sandbox can inject, under concurrent load
 * through the gateway. Other bureaus' data stays exact, the medical fields fail with their code
 * and source or come stale from the last known balance, eligibility that needs insurance is
 * null with SOURCE_UNAVAILABLE, nothing passes its deadline, and it recovers within one breaker
 * period after the fault clears. (The faults themselves: stack/src/faults/.)
 */
import { describeBureauFaults } from './faults/bureau-fault-suite';

describeBureauFaults('MEDICAL_INSURANCE');
