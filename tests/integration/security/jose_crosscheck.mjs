// The npm `jose` package as an independent JWT implementation for lift's security tests.
//   node jose_crosscheck.mjs mint ISSUER
//     prints {"jwks": {...public keys...}, "secrets": [HMAC JWKs], "tokens": [{name, expect, reason, token}]}
//     with one valid token per algorithm and forgeries that a verifier must refuse.
//   node jose_crosscheck.mjs verify < {"jwks", "secrets", "issuer", "audience", "tokens": [{name, alg, token}]}
//     verifies tokens made by lift and prints [{name, ok, error?}].
import * as jose from 'jose';

const audience = 'lift-tests';
const asymmetric = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
const hmac = ['HS256', 'HS384', 'HS512'];
const b64url = (data) => Buffer.from(data).toString('base64url');
const kidOf = (alg) => `k-${alg.toLowerCase()}`;

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

async function mint(issuer) {
  const now = Math.floor(Date.now() / 1000);
  const keys = {};
  const jwks = { keys: [] };
  const secrets = [];
  for (const alg of asymmetric) {
    const pair = await jose.generateKeyPair(alg, { extractable: true, ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}) });
    keys[alg] = pair;
    jwks.keys.push({ ...(await jose.exportJWK(pair.publicKey)), kid: kidOf(alg), alg, use: 'sig' });
  }
  for (const alg of hmac) {
    const secret = await jose.generateSecret(alg, { extractable: true });
    keys[alg] = { privateKey: secret };
    secrets.push({ ...(await jose.exportJWK(secret)), kid: kidOf(alg), alg });
  }

  const claims = { sub: 'alice', tenant_id: 't1', scope: 'read write', roles: ['admin'] };
  const sign = (alg, key, { kid = kidOf(alg), extra = {}, header = {}, iss = issuer, aud = audience, iat = now,
    exp = now + 600, nbf, options } = {}) => {
    let jwt = new jose.SignJWT({ ...claims, ...extra })
      .setProtectedHeader({ alg, kid, typ: 'JWT', ...header })
      .setIssuer(iss).setAudience(aud).setIssuedAt(iat).setExpirationTime(exp);
    if (nbf !== undefined) jwt = jwt.setNotBefore(nbf);
    return jwt.sign(key, options);
  };

  const tokens = [];
  const valid = (name, token) => tokens.push({ name, expect: 'valid', token });
  const reject = (name, reason, token) => tokens.push({ name, expect: 'reject', reason, token });
  for (const alg of [...asymmetric, ...hmac]) valid(`valid-${alg}`, await sign(alg, keys[alg].privateKey));
  valid('aud-array', await sign('ES256', keys.ES256.privateKey, { aud: ['other', audience] }));

  const rs = keys.RS256.privateKey;
  const good = await sign('RS256', rs);
  const [h, p, s] = good.split('.');
  reject('alg-none', 'unsupported_algorithm', `${b64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${p}.`);
  const pem = await jose.exportSPKI(keys.RS256.publicKey);
  reject('hs256-keyed-with-rsa-public-key', 'algorithm_mismatch',
    await sign('HS256', new TextEncoder().encode(pem), { kid: kidOf('RS256') }));
  const stranger = await jose.generateKeyPair('RS256', { extractable: true });
  reject('unknown-kid', 'unknown_kid', await sign('RS256', stranger.privateKey, { kid: 'k-unknown' }));
  reject('right-kid-other-key', 'bad_signature', await sign('RS256', stranger.privateKey));
  const signature = Buffer.from(s, 'base64url');
  signature[signature.length >> 1] ^= 0x01;
  reject('flipped-signature-byte', 'bad_signature', `${h}.${p}.${b64url(signature)}`);
  const other = (await sign('RS256', rs, { extra: { sub: 'mallory' } })).split('.')[1];
  reject('payload-swapped', 'bad_signature', `${h}.${other}.${s}`);
  reject('expired', 'expired', await sign('RS256', rs, { iat: now - 7200, exp: now - 3600 }));
  reject('not-yet-valid', 'not_yet_valid', await sign('RS256', rs, { nbf: now + 3600 }));
  reject('wrong-issuer', 'wrong_issuer', await sign('RS256', rs, { iss: 'https://evil.example' }));
  reject('wrong-audience', 'wrong_audience', await sign('RS256', rs, { aud: 'other-api' }));
  const rs384 = await jose.importPKCS8(await jose.exportPKCS8(rs), 'RS384');
  reject('alg-differs-from-jwk', 'algorithm_mismatch', await sign('RS384', rs384, { kid: kidOf('RS256') }));
  reject('crit-unknown', 'crit_unsupported',
    await sign('RS256', rs, { header: { crit: ['x-unknown'], 'x-unknown': true }, options: { crit: { 'x-unknown': true } } }));
  reject('two-segments', 'malformed', `${h}.${p}`);
  reject('four-segments', 'malformed', `${good}.${s}`);
  reject('bad-base64', 'malformed', `${h}.${p.slice(0, 5)}*${p.slice(6)}.${s}`);
  reject('padded-signature', 'malformed', `${good}==`);
  reject('header-not-json', 'malformed', `${b64url('{"alg":')}.${p}.${s}`);
  reject('oversized', 'too_large', await sign('ES256', keys.ES256.privateKey, { extra: { blob: 'x'.repeat(10000) } }));
  return { jwks, secrets, tokens };
}

async function verify(input) {
  const remote = jose.createLocalJWKSet(input.jwks);
  const results = [];
  for (const { name, alg, token } of input.tokens) {
    const secret = input.secrets.find((k) => k.alg === alg);
    const key = secret ? Buffer.from(secret.k, 'base64url') : remote;
    try {
      const { payload } = await jose.jwtVerify(token, key, { issuer: input.issuer, audience: input.audience, algorithms: [alg] });
      results.push({ name, ok: true, sub: payload.sub });
    } catch (error) {
      results.push({ name, ok: false, error: error.code || String(error) });
    }
  }
  return results;
}

const [mode, issuer] = process.argv.slice(2);
const output = mode === 'mint' ? await mint(issuer) : await verify(JSON.parse(await readStdin()));
process.stdout.write(JSON.stringify(output));
