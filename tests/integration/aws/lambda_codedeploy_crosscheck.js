// The AWS SDK for JavaScript as an independent client of Lambda (Invoke) and CodeDeploy
// (PutLifecycleEventHookExecutionStatus), for the C++ clients' tests:
//   node lambda_codedeploy_crosscheck.js ENDPOINT OPERATION INPUT_JSON
// sends one call to ENDPOINT (the tests' fake service) and prints what the SDK read from the
// answer as JSON (the payload as text); a failure as {"error": NAME, "status": HTTP_STATUS}.
// No retries, so the fake sees exactly one request.
'use strict';
const lambda = require('@aws-sdk/client-lambda');
const codedeploy = require('@aws-sdk/client-codedeploy');

const config = (endpoint) => ({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDSDK', secretAccessKey: 'sdk-secret' },
  maxAttempts: 1,
});

const operations = {
  async 'lambda-invoke'(endpoint, input) {
    const out = await new lambda.LambdaClient(config(endpoint)).send(new lambda.InvokeCommand({
      ...input, Payload: input.Payload === undefined ? undefined : Buffer.from(input.Payload),
    }));
    return {
      StatusCode: out.StatusCode, FunctionError: out.FunctionError, LogResult: out.LogResult,
      ExecutedVersion: out.ExecutedVersion, Payload: out.Payload == null ? '' : Buffer.from(out.Payload).toString(),
    };
  },
  async 'codedeploy-hook-status'(endpoint, input) {
    const out = await new codedeploy.CodeDeployClient(config(endpoint)).send(
      new codedeploy.PutLifecycleEventHookExecutionStatusCommand(input));
    return { lifecycleEventHookExecutionId: out.lifecycleEventHookExecutionId };
  },
};

require('./crosscheck_main').run(operations);
