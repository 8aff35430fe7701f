export * from './errors';
export * from './id-number';
export * from './card-number';
export * from './population';
export * from './scalars';
export * from './sdl';
export * from './compose';
export * from './time';
