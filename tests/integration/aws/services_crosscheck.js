// The AWS SDK for JavaScript as an independent client of Secrets Manager, SSM and the API
// Gateway Management API, for the C++ clients' tests:
//   node services_crosscheck.js ENDPOINT OPERATION INPUT_JSON
// sends one call to ENDPOINT (the tests' fake service) and prints what the SDK read from the
// answer as JSON: timestamps as epoch milliseconds, bytes as base64, and a failure as
// {"error": NAME, "status": HTTP_STATUS}. No retries, so the fake sees exactly one request.
'use strict';
const { SecretsManagerClient, GetSecretValueCommand } = require('@aws-sdk/client-secrets-manager');
const { SSMClient, GetParameterCommand, GetParametersCommand } = require('@aws-sdk/client-ssm');
const {
  ApiGatewayManagementApiClient, PostToConnectionCommand, GetConnectionCommand, DeleteConnectionCommand,
} = require('@aws-sdk/client-apigatewaymanagementapi');

const config = (endpoint) => ({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDSDK', secretAccessKey: 'sdk-secret' },
  maxAttempts: 1,
});

const millis = (date) => (date instanceof Date ? date.getTime() : date);

function parameter(p) {
  return p && { ...p, LastModifiedDate: millis(p.LastModifiedDate) };
}

const operations = {
  async secret(endpoint, input) {
    const out = await new SecretsManagerClient(config(endpoint)).send(new GetSecretValueCommand(input));
    return {
      ARN: out.ARN, Name: out.Name, VersionId: out.VersionId, SecretString: out.SecretString,
      SecretBinary: out.SecretBinary && Buffer.from(out.SecretBinary).toString('base64'),
      VersionStages: out.VersionStages, CreatedDate: millis(out.CreatedDate),
    };
  },
  async parameter(endpoint, input) {
    const out = await new SSMClient(config(endpoint)).send(new GetParameterCommand(input));
    return { Parameter: parameter(out.Parameter) };
  },
  async parameters(endpoint, input) {
    const out = await new SSMClient(config(endpoint)).send(new GetParametersCommand(input));
    return { Parameters: (out.Parameters || []).map(parameter), InvalidParameters: out.InvalidParameters || [] };
  },
  async post(endpoint, input) {
    const client = new ApiGatewayManagementApiClient(config(endpoint));
    await client.send(new PostToConnectionCommand({ ConnectionId: input.ConnectionId, Data: Buffer.from(input.Data, 'base64') }));
    return {};
  },
  async 'get-connection'(endpoint, input) {
    const out = await new ApiGatewayManagementApiClient(config(endpoint)).send(new GetConnectionCommand(input));
    const identity = out.Identity && { sourceIp: out.Identity.SourceIp, userAgent: out.Identity.UserAgent };
    return { connectedAt: millis(out.ConnectedAt), lastActiveAt: millis(out.LastActiveAt), identity };
  },
  async 'delete-connection'(endpoint, input) {
    await new ApiGatewayManagementApiClient(config(endpoint)).send(new DeleteConnectionCommand(input));
    return {};
  },
};

require('./crosscheck_main').run(operations);
