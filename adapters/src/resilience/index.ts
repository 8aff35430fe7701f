export { attemptBudget, deadlineReached, MIN_ATTEMPT_MS, type AttemptBudget } from './call-budget';
export { backoffDelayMs, DEFAULT_RETRY, isRetryable, type RetryOptions } from './retry';
export { CircuitBreaker, DEFAULT_BREAKER, type CallPermit, type CircuitBreakerOptions, type CircuitState } from './circuit-breaker';
export {
  CircuitOpenError, createBureauPolicies, createBureauPolicy, deadlineOnlyPolicy,
  type Attempt, type BureauCallPolicy, type BureauPolicyOptions,
} from './bureau-policy';
