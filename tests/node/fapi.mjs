// A FAPI 2.0 relying party made of panva's openid-client v6 and jose, driven one line at a time
// over stdin/stdout by tests/it/fapi_node.rs. Every line it writes is `WORD payload`; on any
// failure it writes `ERROR <message>` and exits with status 1.
//
// Flow (default):
//   out  JWKS <json>          public signing key (ES256, private_key_jwt and request objects) and
//                             public encryption key (ECDH-ES+A256KW) to register
//   in   CLIENT <client_id>
//   out  AUTHORIZE <url>      after a pushed authorization request (RFC 9126) carrying a signed
//                             request object (RFC 9101), PKCE S256 and a DPoP proof (RFC 9449)
//   in   CALLBACK <url>       the redirect the browser was sent to (code, state, iss)
//   out  RESULT <json>        after the code grant, userinfo and a refresh, all with DPoP
//
// BACKCHANNEL=1: the same relying party also has an OpenID Connect Back-Channel Logout 1.0
// endpoint on 127.0.0.1 that decrypts logout tokens with its own key:
//   out  LISTENING <port>     first, before JWKS (the port goes into backchannel_logout_uri)
//   ...                       the flow as above; after RESULT it stays up until stdin closes
//   out  LOGOUT <claims json> or REJECTED <reason>, for each POST, whenever it arrives
//
// MODE=backchannel: only that endpoint (LISTENING, then LOGOUT/REJECTED lines), for a client
// whose logout tokens are not encrypted; needs ISSUER and CLIENT_ID. It stops when stdin closes.
//
// Environment: ISSUER (e.g. http://localhost:8080; plain http is allowed, this is a test),
// REDIRECT_URI, SCOPE (default "openid profile"), PURPOSE, JAR=0 (plain PAR, no request object),
// PAR_DPOP=0 (no DPoP proof at the PAR endpoint), BACKCHANNEL=1, RP_DEBUG=1 (each HTTP exchange
// to stderr); for MODE=backchannel: ISSUER, CLIENT_ID, JWKS_URI (default ISSUER/jwks).

import { createServer } from 'node:http';
import { createInterface } from 'node:readline';

import * as jose from 'jose';
import * as client from 'openid-client';

const SIGNING_ALG = 'ES256';
const KEY_MANAGEMENT_ALG = 'ECDH-ES+A256KW';
const CONTENT_ENCRYPTION_ALG = 'A256GCM';
/** OpenID Connect Back-Channel Logout 1.0 §2.4: the `events` member of a logout token. */
const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';
const MAX_LOGOUT_BODY = 64 * 1024;

/** Writes one line and waits until it is handed to the pipe. */
function say(line) {
  return new Promise((resolve) => process.stdout.write(`${line.replace(/[\r\n]+/g, ' | ')}\n`, resolve));
}

function env(name) {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

function toJson(value) {
  if (value instanceof URLSearchParams) return value.toString();
  if (value instanceof Response) return `HTTP ${value.status}`;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP: what the library sends and gets, for diagnostics and the DPoP nonce report.

const seen = { dpopNonce: false, failures: [] };

/** The library's fetch, observed: DPoP-Nonce headers, and the bodies of error responses. */
async function observedFetch(url, options) {
  const response = await fetch(url, options);
  if (response.headers.has('dpop-nonce')) seen.dpopNonce = true;
  const type = response.headers.get('content-type') ?? '';
  if (process.env.RP_DEBUG === '1') {
    console.error(`rp: ${options.method} ${url} -> ${response.status} ${type}`);
  }
  if (response.status >= 400) {
    const body = await response.clone().text().catch(() => '');
    const challenge = response.headers.get('www-authenticate');
    seen.failures.push(
      `${options.method} ${url} -> ${response.status} ${type}` +
        (challenge ? ` WWW-Authenticate: ${challenge}` : '') +
        ` ${body.slice(0, 600)}`,
    );
    seen.failures.splice(0, seen.failures.length - 3);
  }
  return response;
}

/** An error with openid-client's code, the OAuth error fields and the cause chain. */
function describe(err) {
  const parts = [];
  let e = err;
  for (let depth = 0; e !== undefined && e !== null && depth < 6; depth++) {
    if (!(e instanceof Error)) {
      parts.push(`cause: ${toJson(e)}`);
      break;
    }
    let text = `${e.name}: ${e.message}`;
    if (e.code) text += ` [${e.code}]`;
    if (e.status) text += ` status=${e.status}`;
    if (e.error) text += ` error=${e.error}`;
    if (e.error_description) text += ` error_description=${JSON.stringify(e.error_description)}`;
    parts.push(text);
    e = e.cause;
  }
  if (seen.failures.length) {
    // A DPoP nonce challenge the library answered also appears here.
    parts.push(`recent HTTP errors: ${seen.failures.join(' || ')}`);
  }
  return parts.join(' <- ');
}

// ---------------------------------------------------------------------------------------------
// Keys.

async function withKid(publicKey, use, alg) {
  const jwk = await jose.exportJWK(publicKey);
  const kid = await jose.calculateJwkThumbprint(jwk);
  return { ...jwk, kid, use, alg };
}

/** The client's three key pairs: signing (private_key_jwt, JAR), DPoP, and decryption. */
async function makeKeys() {
  const signing = await jose.generateKeyPair(SIGNING_ALG);
  const encryption = await jose.generateKeyPair(KEY_MANAGEMENT_ALG, { crv: 'P-256' });
  const dpop = await client.randomDPoPKeyPair(SIGNING_ALG);
  const signingJwk = await withKid(signing.publicKey, 'sig', SIGNING_ALG);
  const encryptionJwk = await withKid(encryption.publicKey, 'enc', KEY_MANAGEMENT_ALG);
  return {
    signing: { key: signing.privateKey, kid: signingJwk.kid },
    decryption: { key: encryption.privateKey, alg: KEY_MANAGEMENT_ALG, kid: encryptionJwk.kid },
    dpop,
    jwks: { keys: [signingJwk, encryptionJwk] },
  };
}

// ---------------------------------------------------------------------------------------------
// The FAPI 2.0 flow.

/** Reads `WORD payload` lines from stdin: `read(WORD)` returns the payload; `eof()` waits for the end. */
function lineReader() {
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity })[Symbol.asyncIterator]();
  return {
    async read(word) {
      const { value, done } = await lines.next();
      check(!done, `stdin closed while waiting for ${word}`);
      const [got, ...rest] = value.trim().split(' ');
      check(got === word, `expected a ${word} line, got ${JSON.stringify(value.slice(0, 80))}`);
      return rest.join(' ');
    },
    async eof() {
      while (!(await lines.next()).done);
    },
  };
}

/** What this flow needs the server to advertise (OIDC Discovery 1.0, RFC 8414, 9126, 9449, 9207). */
function checkDiscovery(as, useJar) {
  const missing = [];
  const has = (field, value) => {
    const v = as[field];
    const ok = value === true ? v === true : Array.isArray(v) && v.includes(value);
    if (!ok) missing.push(value === true ? `${field}: true` : `${field} ∋ ${value}`);
  };
  for (const field of ['pushed_authorization_request_endpoint', 'token_endpoint', 'userinfo_endpoint', 'jwks_uri']) {
    if (typeof as[field] !== 'string') missing.push(field);
  }
  has('code_challenge_methods_supported', 'S256');
  has('token_endpoint_auth_methods_supported', 'private_key_jwt');
  has('token_endpoint_auth_signing_alg_values_supported', SIGNING_ALG);
  has('dpop_signing_alg_values_supported', SIGNING_ALG);
  has('authorization_response_iss_parameter_supported', true);
  has('id_token_signing_alg_values_supported', SIGNING_ALG);
  has('id_token_encryption_alg_values_supported', KEY_MANAGEMENT_ALG);
  has('id_token_encryption_enc_values_supported', CONTENT_ENCRYPTION_ALG);
  has('userinfo_signing_alg_values_supported', SIGNING_ALG);
  has('userinfo_encryption_alg_values_supported', KEY_MANAGEMENT_ALG);
  has('userinfo_encryption_enc_values_supported', CONTENT_ENCRYPTION_ALG);
  if (useJar) has('request_object_signing_alg_values_supported', SIGNING_ALG);
  check(missing.length === 0, `discovery lacks ${missing.join(', ')}`);
}

async function relyingParty() {
  const issuer = new URL(env('ISSUER'));
  const useJar = process.env.JAR !== '0';
  const parDpop = process.env.PAR_DPOP !== '0';
  const keys = await makeKeys();
  // BACKCHANNEL=1: this relying party also takes logout tokens, decrypting them with its key.
  const logout = { decryption: keys.decryption };
  const server = process.env.BACKCHANNEL === '1' ? await listenForLogouts(logout) : undefined;
  await say(`JWKS ${JSON.stringify(keys.jwks)}`);

  const lines = lineReader();
  const clientId = await lines.read('CLIENT');
  check(clientId.length > 0, 'CLIENT needs a client_id');
  const redirectUri = env('REDIRECT_URI');
  const scope = process.env.SCOPE || 'openid profile';
  const purpose = process.env.PURPOSE || 'Opening a savings account';

  const config = await client.discovery(
    issuer,
    clientId,
    {
      token_endpoint_auth_method: 'private_key_jwt',
      id_token_signed_response_alg: SIGNING_ALG,
      id_token_encrypted_response_alg: KEY_MANAGEMENT_ALG,
      id_token_encrypted_response_enc: CONTENT_ENCRYPTION_ALG,
      userinfo_signed_response_alg: SIGNING_ALG,
      userinfo_encrypted_response_alg: KEY_MANAGEMENT_ALG,
      userinfo_encrypted_response_enc: CONTENT_ENCRYPTION_ALG,
    },
    client.PrivateKeyJwt(keys.signing),
    {
      [client.customFetch]: observedFetch,
      // Non-repudiation: the ID token's and userinfo's inner JWS signatures are verified
      // against jwks_uri, not only their claims (the library skips that by default over TLS).
      execute: [client.allowInsecureRequests, client.enableNonRepudiationChecks],
    },
  );
  checkDiscovery(config.serverMetadata(), useJar);
  logout.issuer = config.serverMetadata().issuer;
  logout.keys = jose.createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri));
  logout.audience = clientId;
  // Only ECDH-ES+A256KW with A256GCM is accepted, and only with this key.
  client.enableDecryptingResponses(config, [CONTENT_ENCRYPTION_ALG], keys.decryption);
  const dpop = client.getDPoPHandle(config, keys.dpop);

  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const parameters = {
    redirect_uri: redirectUri,
    scope,
    state,
    nonce,
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    // OpenID Connect for Identity Assurance 1.0: why the RP asks, shown to the person.
    purpose,
  };
  // RFC 9126 §3: a request object pushed as `request`, with client_id beside it; the library
  // adds response_type=code, iss, aud (the issuer), iat, nbf, exp, jti and typ
  // oauth-authz-req+jwt.
  const pushed = useJar
    ? (await client.buildAuthorizationUrlWithJAR(config, parameters, keys.signing)).searchParams
    : parameters;
  const authorizeUrl = await client.buildAuthorizationUrlWithPAR(config, pushed, parDpop ? { DPoP: dpop } : undefined);
  check(authorizeUrl.searchParams.has('request_uri'), 'the authorization URL has no request_uri');
  await say(`AUTHORIZE ${authorizeUrl.href}`);

  const callback = new URL(await lines.read('CALLBACK'));
  // FAPI 2.0 Security Profile §5.3.2.2: the response must carry iss (RFC 9207).
  check(callback.searchParams.get('iss') === config.serverMetadata().issuer, `the callback has no or a wrong iss: ${callback.search}`);
  const tokens = await client.authorizationCodeGrant(
    config,
    callback,
    { pkceCodeVerifier: codeVerifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true },
    undefined,
    { DPoP: dpop },
  );
  // The library lower-cases token_type.
  check(tokens.token_type === 'dpop', `token_type is ${tokens.token_type}, not DPoP`);
  const idTokenParts = tokens.id_token.split('.').length;
  check(idTokenParts === 5, `the ID token has ${idTokenParts} parts: it was not encrypted`);
  const idTokenJwe = jose.decodeProtectedHeader(tokens.id_token);
  const innerIdToken = client.getDecryptedResponses(tokens)?.id_token?.token_endpoint;
  check(typeof innerIdToken === 'string' && innerIdToken.split('.').length === 3, 'the ID token did not decrypt to a JWS');
  const idTokenJws = jose.decodeProtectedHeader(innerIdToken);
  // Claims checked by the library: iss, aud, azp, exp, iat, nonce, and alg ES256.
  const claims = tokens.claims();
  check(typeof claims?.sub === 'string' && claims.sub.length > 0, 'the ID token has no sub');
  check(typeof tokens.refresh_token === 'string', 'no refresh_token (the client has the refresh_token grant)');

  const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub, { DPoP: dpop });
  const innerUserinfo = client.getDecryptedResponses(userinfo);
  check(typeof innerUserinfo === 'string', 'userinfo was not an encrypted JWT (application/jwt, a JWE)');

  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token, undefined, { DPoP: dpop });
  check(refreshed.token_type === 'dpop', `refreshed token_type is ${refreshed.token_type}, not DPoP`);
  check(refreshed.access_token && refreshed.access_token !== tokens.access_token, 'the refresh gave no new access token');
  // The new token is DPoP-bound too: userinfo accepts it with a proof from the same key.
  const again = await client.fetchUserInfo(config, refreshed.access_token, claims.sub, { DPoP: dpop });

  await say(
    `RESULT ${JSON.stringify({
      sub: claims.sub,
      sid: claims.sid ?? null,
      acr: claims.acr ?? null,
      id_token_parts: idTokenParts,
      id_token_jwe: { alg: idTokenJwe.alg, enc: idTokenJwe.enc, cty: idTokenJwe.cty ?? null, kid: idTokenJwe.kid ?? null },
      id_token_jws: { alg: idTokenJws.alg, kid: idTokenJws.kid ?? null, typ: idTokenJws.typ ?? null },
      token_type: tokens.token_type,
      userinfo_claims: Object.keys(userinfo).sort(),
      userinfo_encrypted: true,
      refreshed: true,
      refreshed_token_type: refreshed.token_type,
      refresh_token_rotated: refreshed.refresh_token !== undefined && refreshed.refresh_token !== tokens.refresh_token,
      userinfo_after_refresh: again.sub === claims.sub,
      dpop_nonce_seen: seen.dpopNonce,
      jar: useJar,
      par_dpop: parDpop,
      purpose,
      scope,
    })}`,
  );
  if (server) {
    // Logout tokens keep coming (LOGOUT / REJECTED lines) until stdin closes.
    await lines.eof();
  }
  return server;
}

// ---------------------------------------------------------------------------------------------
// Back-channel logout.

class Rejected extends Error {}

function readBody(request) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    request.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_LOGOUT_BODY) {
        reject(new Rejected('body too large'));
        request.destroy();
      } else {
        chunks.push(chunk);
      }
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/**
 * OpenID Connect Back-Channel Logout 1.0 (with errata set 1) §2.6: logout token validation.
 * `rp` holds issuer, audience (the client_id), the issuer's key set and, when the client
 * registered ID token encryption, its decryption key (step 1: a logout token is encrypted as
 * the client's ID tokens are).
 */
async function validateLogoutToken(token, rp) {
  let jws = token;
  if (token.split('.').length === 5) {
    if (!rp.decryption) throw new Rejected('the logout token is encrypted and this listener has no decryption key');
    try {
      const { plaintext } = await jose.compactDecrypt(token, rp.decryption.key, {
        keyManagementAlgorithms: [rp.decryption.alg],
        contentEncryptionAlgorithms: [CONTENT_ENCRYPTION_ALG],
      });
      jws = new TextDecoder().decode(plaintext);
    } catch (err) {
      throw new Rejected(`cannot decrypt: ${err.code ?? err.name}: ${err.message}`);
    }
  }
  let payload;
  try {
    ({ payload } = await jose.jwtVerify(jws, rp.keys, {
      issuer: rp.issuer,
      audience: rp.audience,
      typ: 'logout+jwt',
      algorithms: ['ES256', 'RS256'],
      // §2.4: iat, exp and jti are required (exp since errata set 1); jose checks exp.
      requiredClaims: ['iat', 'exp', 'jti'],
    }));
  } catch (err) {
    throw new Rejected(`${err.code ?? err.name}: ${err.message}`);
  }
  const event = payload.events?.[BACKCHANNEL_LOGOUT_EVENT];
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw new Rejected(`events has no ${BACKCHANNEL_LOGOUT_EVENT} object`);
  }
  if (typeof payload.sid !== 'string' && typeof payload.sub !== 'string') {
    throw new Rejected('neither sid nor sub');
  }
  if ('nonce' in payload) throw new Rejected('a logout token must not have a nonce');
  if (typeof payload.jti !== 'string') throw new Rejected('jti is not a string');
  return payload;
}

/**
 * A back-channel logout endpoint on 127.0.0.1 (§2.5: POST, form-encoded `logout_token`).
 * Prints `LISTENING <port>`, then `LOGOUT <claims>` or `REJECTED <reason>` for each request.
 * `rp.audience` may be filled in later; until then every request is rejected.
 */
async function listenForLogouts(rp) {
  const usedJtis = new Set();
  const server = createServer(async (request, response) => {
    try {
      if (request.method !== 'POST') throw new Rejected(`method ${request.method}`);
      const type = request.headers['content-type']?.split(';')[0].trim().toLowerCase();
      if (type !== 'application/x-www-form-urlencoded') throw new Rejected(`content-type ${type}`);
      const form = new URLSearchParams(await readBody(request));
      const token = form.get('logout_token');
      if (!token) throw new Rejected('no logout_token');
      if (!rp.audience) throw new Rejected('no client_id yet');
      const claims = await validateLogoutToken(token, rp);
      // §2.6 step 6: refuse a jti seen before. Checked and recorded with no await between.
      if (usedJtis.has(claims.jti)) throw new Rejected(`replayed jti ${claims.jti}`);
      usedJtis.add(claims.jti);
      // §2.8: 200 on success, not cached.
      response.writeHead(200, { 'Cache-Control': 'no-store' });
      response.end();
      await say(`LOGOUT ${JSON.stringify(claims)}`);
    } catch (err) {
      const reason = err instanceof Rejected ? err.message : `internal: ${describe(err)}`;
      // §2.8: 400 for an invalid request, with an RFC 6749 §5.2 error.
      if (!response.headersSent) {
        response.writeHead(400, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
      }
      response.end('{"error":"invalid_request"}');
      await say(`REJECTED ${reason}`);
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  await say(`LISTENING ${server.address().port}`);
  return server;
}

/** MODE=backchannel: only the logout endpoint, for a client without ID token encryption. */
async function backchannel() {
  const issuer = env('ISSUER');
  const jwksUri = process.env.JWKS_URI || `${issuer.replace(/\/$/, '')}/jwks`;
  const server = await listenForLogouts({
    issuer,
    audience: env('CLIENT_ID'),
    keys: jose.createRemoteJWKSet(new URL(jwksUri)),
  });
  await lineReader().eof();
  return server;
}

function stop(server) {
  server.closeAllConnections();
  server.close(() => process.exit(0));
}

try {
  if (process.env.MODE === 'backchannel') {
    stop(await backchannel());
  } else {
    const server = await relyingParty();
    if (server) stop(server);
    else process.exit(0);
  }
} catch (err) {
  await say(`ERROR ${describe(err)}`);
  process.exit(1);
}
