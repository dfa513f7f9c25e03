// Echoes the event with what the Node runtime saw of the invocation context.
export const handler = async (event, context) => ({
  event,
  requestId: context.awsRequestId,
  functionName: context.functionName,
  functionVersion: context.functionVersion,
  memoryLimitInMB: context.memoryLimitInMB,
  invokedFunctionArn: context.invokedFunctionArn,
  logGroupName: context.logGroupName,
  remainingMs: context.getRemainingTimeInMillis(),
  clientContext: context.clientContext ?? null,
  identity: context.identity ?? null,
  tenantId: context.tenantId ?? null,
  traceId: process.env._X_AMZN_TRACE_ID ?? null,
});
