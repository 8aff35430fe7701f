export * from './errors';
export * from './crypto';
export * from './clients/types';
