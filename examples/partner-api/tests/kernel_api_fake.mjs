// The kernel account's IAM-authorised HTTP API, as API Gateway answers it, for the partner-api
// tests: every request's SigV4 signature is computed again by the AWS SDK's own signer
// (@smithy/signature-v4) with the credentials the kernel role's session must hold, and refused
// with API Gateway's 403 answers when it does not match.
//
//   node kernel_api_fake.mjs PORT ACCESS_KEY_ID SECRET SESSION_TOKEN REGION STAGE
//
// Routes (under /STAGE): GET /accounts/{id}/balance -> 200 {account_id, amount, currency} for
// the accounts below, 404 otherwise.
import { createHash, createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { SignatureV4 } = require('@smithy/signature-v4');

const [port, accessKeyId, secretAccessKey, sessionToken, region, stage] = process.argv.slice(2);
const balances = new Map([
  ['acct-1', { account_id: 'acct-1', amount: '1250.40', currency: 'EUR' }],
  ['acct-2', { account_id: 'acct-2', amount: '0.00', currency: 'USD' }],
]);

// The hash the signer wants: node's, behind the SDK's Checksum interface.
class Sha256 {
  constructor(secret) { this.hash = secret ? createHmac('sha256', secret) : createHash('sha256'); }
  update(data) { this.hash.update(data); }
  async digest() { return new Uint8Array(this.hash.digest()); }
}
const signer = new SignatureV4({
  credentials: { accessKeyId, secretAccessKey, sessionToken },
  region, service: 'execute-api', sha256: Sha256, applyChecksum: false,
});

function answer(response, status, body, errorType) {
  const headers = { 'content-type': 'application/json' };
  if (errorType) headers['x-amzn-ErrorType'] = errorType;
  response.writeHead(status, headers);
  response.end(JSON.stringify(body));
}

// Why the request's signature does not hold, or '' when it does.
async function signatureProblem(request, body) {
  const authorization = request.headers.authorization ?? '';
  const parts = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(authorization);
  if (!parts) return 'MissingAuthenticationToken';
  const [, keyId, , signedRegion, service, signedHeaders, signature] = parts;
  if (keyId !== accessKeyId || request.headers['x-amz-security-token'] !== sessionToken) return 'UnrecognizedClientException';
  if (signedRegion !== region || service !== 'execute-api') return 'InvalidSignatureException';
  const amzDate = request.headers['x-amz-date'] ?? '';
  const when = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!when) return 'InvalidSignatureException';
  const signingDate = new Date(Date.UTC(+when[1], +when[2] - 1, +when[3], +when[4], +when[5], +when[6]));
  const names = signedHeaders.split(';');
  const headers = {};
  for (const name of names) {
    if (name === 'x-amz-date' || name === 'x-amz-security-token') continue;  // the signer adds them
    headers[name] = request.headers[name] ?? '';
  }
  const url = new URL(request.url, 'http://' + request.headers.host);
  const query = {};
  for (const [key, value] of url.searchParams) query[key] = value;
  const again = await signer.sign(
    { method: request.method, protocol: 'http:', hostname: url.hostname, port: +url.port, path: url.pathname, query, headers, body },
    { signingDate, signableHeaders: new Set(names) });
  const expected = /Signature=([0-9a-f]{64})/.exec(again.headers.authorization)[1];
  return expected === signature ? '' : 'InvalidSignatureException';
}

const server = createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', async () => {
    const problem = await signatureProblem(request, Buffer.concat(chunks).toString());
    if (problem === 'MissingAuthenticationToken') return answer(response, 403, { message: 'Missing Authentication Token' }, problem);
    if (problem === 'UnrecognizedClientException') return answer(response, 403, { message: 'The security token included in the request is invalid.' }, problem);
    if (problem) return answer(response, 403, { message: 'The request signature we calculated does not match the signature you provided.' }, problem);
    const route = new RegExp(`^/${stage}/accounts/([^/]+)/balance$`).exec(new URL(request.url, 'http://x').pathname);
    if (request.method !== 'GET' || !route) return answer(response, 404, { message: 'Not Found' });
    const balance = balances.get(decodeURIComponent(route[1]));
    return balance ? answer(response, 200, balance) : answer(response, 404, { message: 'no such account' });
  });
});
server.listen(+port, '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));  // kept-alive connections must not hold the test up
