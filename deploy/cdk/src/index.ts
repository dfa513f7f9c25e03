export * from './lift-function';
