export { startStack, type RunningStack, type StackOptions } from './stack';
export { loadStackConfig, type StackConfig } from './stack-config';
