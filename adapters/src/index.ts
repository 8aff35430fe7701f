export * from './errors';
export * from './crypto';
export * from './clients/types';
export * from './protocols/freshness';
export * from './transport/bureau-fetch';
