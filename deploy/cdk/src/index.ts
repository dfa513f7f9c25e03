export * from './lift-function';
export * from './lift-ops';
