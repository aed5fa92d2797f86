export * from './common/errors';
export * from './common/resources';
export * from './tempo/limits';
export * from './tempo/storage';
export * from './tempo/tempo-stack';
export * from './tempo/version';
export * from './tracing-stack';
export * from './config/load-config';
