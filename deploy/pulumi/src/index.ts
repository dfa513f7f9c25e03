export * from './lift-function';
export { LiftOpsDocument, LiftOpsAlarm, parseOpsDocument } from './ops';
export { routeKeys } from './openapi';
export { LiftArchitecture } from './lift-cli';
export { AliasDeployment, AliasDeploymentInputs, AliasDeploymentOutputs, aliasDeploymentProvider, appSpec, deployVersion } from './codedeploy';
