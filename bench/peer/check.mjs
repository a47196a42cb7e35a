// Self-check of the benchmark peer: node bench/peer/check.mjs
// Starts server.mjs (PORT=0, a fresh P-256 client key in BENCH_JWKS) and walks the
// flows the load generator uses, with plain fetch and a small cookie jar. One line per
// step; exits non-zero on the first failure.

import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const REDIRECT_URI = 'http://127.0.0.1:9/cb';
const SECRET = 'bench-secret-0123456789abcdef0123456789abcdef';

let child;
let tmp;
let stdoutText = '';
let stderrText = '';

function cleanup() {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
}

function ok(step, detail = '') {
  process.stdout.write(`ok   ${step}${detail ? `: ${detail}` : ''}\n`);
}

function bail(step, detail) {
  process.stdout.write(`FAIL ${step}: ${detail}\n`);
  if (stderrText.trim()) process.stdout.write(`--- server stderr ---\n${stderrText}`);
  cleanup();
  process.exit(1);
}

function expect(cond, step, detail) {
  if (!cond) bail(step, detail);
}

const b64url = (v) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
const decodePart = (p) => JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));

// --- a small cookie jar (name, value, path; expiry by Max-Age=0 / past Expires) ---------
class Jar {
  #cookies = new Map(); // name -> { value, path }

  store(res) {
    const set = [];
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      let cookiePath = '/';
      let expired = value === '';
      for (const a of attrs) {
        const [k, v = ''] = a.split('=');
        const key = k.toLowerCase();
        if (key === 'path') cookiePath = v || '/';
        if (key === 'max-age' && Number(v) <= 0) expired = true;
        if (key === 'expires' && Date.parse(v) <= Date.now()) expired = true;
      }
      if (expired) {
        this.#cookies.delete(name);
        set.push(`-${name}`);
      } else {
        this.#cookies.set(name, { value, path: cookiePath });
        set.push(`${name}(path=${redact(cookiePath)})`);
      }
    }
    return set;
  }

  header(url) {
    const { pathname } = new URL(url);
    const sent = [];
    for (const [name, { value, path: p }] of this.#cookies) {
      if (pathname === p || pathname.startsWith(p.endsWith('/') ? p : `${p}/`)) {
        sent.push([name, value]);
      }
    }
    return sent;
  }
}

// uids, codes and other random values replaced for printing
function redact(s) {
  return s
    .replace(/(\/(?:interaction|auth)\/)[A-Za-z0-9_-]{10,}/g, '$1<uid>')
    .replace(/([?&])(code|state|iss|client_id|scope|nonce|code_challenge|login_hint|redirect_uri)=[^&]+/g, '$1$2=<$2>');
}

// GET `url` and follow same-origin redirects by hand, keeping cookies; stops at the first
// redirect leaving `origin` (the client callback) or at a non-redirect answer.
async function browse(jar, url, origin) {
  const hops = [];
  let current = url;
  for (let i = 0; i < 10; i += 1) {
    const sent = jar.header(current);
    const res = await fetch(current, {
      redirect: 'manual',
      headers: sent.length ? { cookie: sent.map(([n, v]) => `${n}=${v}`).join('; ') } : {},
    });
    const set = jar.store(res);
    const location = res.headers.get('location');
    const pathOf = new URL(current).pathname;
    hops.push({
      request: `GET ${redact(pathOf)}`,
      sent: sent.map(([n]) => n),
      status: res.status,
      location: location ? redact(location.replace(origin, '')) : null,
      set,
    });
    if (!location || res.status < 300 || res.status > 399) {
      return { hops, final: res, body: await res.text() };
    }
    await res.arrayBuffer();
    const next = new URL(location, current);
    if (next.origin !== origin) return { hops, final: res, location: next };
    current = next.href;
  }
  throw new Error('too many redirects');
}

function printHops(hops) {
  for (const h of hops) {
    process.stdout.write(
      `       ${h.request} [cookies: ${h.sent.join(', ') || '-'}] -> ${h.status}`
      + `${h.location ? ` ${h.location}` : ''}${h.set.length ? ` set: ${h.set.join(', ')}` : ''}\n`,
    );
  }
}

function pkcePair() {
  const verifier = crypto.randomBytes(32).toString('base64url');
  const challenge = crypto.createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge };
}

function authUrl(meta, { clientId, loginHint, challenge, state, nonce, extra = {} }) {
  const u = new URL(meta.authorization_endpoint);
  const params = {
    client_id: clientId,
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    scope: 'openid profile',
    state,
    nonce,
    login_hint: loginHint,
    ...(challenge ? { code_challenge: challenge, code_challenge_method: 'S256' } : {}),
    ...extra,
  };
  for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.set(k, v);
  return u.href;
}

// a full authorization request; returns the code from the callback redirect
async function authorize(step, meta, jar, origin, { clientId, loginHint }) {
  const { verifier, challenge } = pkcePair();
  const state = crypto.randomBytes(8).toString('hex');
  const nonce = crypto.randomBytes(8).toString('hex');
  const r = await browse(jar, authUrl(meta, { clientId, loginHint, challenge, state, nonce }), origin);
  printHops(r.hops);
  expect(r.location, step, `no redirect to the client, ended at ${r.final.status}: ${r.body?.slice(0, 200)}`);
  expect(r.final.status === 303, step, `final redirect is ${r.final.status}, expected 303`);
  expect(`${r.location.origin}${r.location.pathname}` === REDIRECT_URI, step, `redirected to ${r.location.href}`);
  const code = r.location.searchParams.get('code');
  expect(code, step, `no code in ${r.location.href}`);
  expect(r.location.searchParams.get('state') === state, step, 'state not echoed');
  return { code, verifier, nonce, hops: r.hops.length, iss: r.location.searchParams.get('iss') };
}

async function tokenRequest(meta, form, headers = {}) {
  const res = await fetch(meta.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
  const body = await res.json().catch(() => ({}));
  return { status: res.status, body };
}

const basic = `Basic ${Buffer.from(`${encodeURIComponent('bench-secret')}:${encodeURIComponent(SECRET)}`).toString('base64')}`;

function clientAssertion(privateKey, aud) {
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: 'ES256', typ: 'JWT' };
  const payload = {
    iss: 'bench-jwt', sub: 'bench-jwt', aud, jti: crypto.randomUUID(), iat: now, exp: now + 60,
  };
  const data = `${b64url(header)}.${b64url(payload)}`;
  const sig = crypto.sign('sha256', Buffer.from(data), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${data}.${sig.toString('base64url')}`;
}

function jwtAssertionForm(assertion) {
  return {
    client_id: 'bench-jwt',
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: assertion,
  };
}

function checkIdToken(step, idToken, jwks, { iss, aud, sub, nonce }) {
  const parts = idToken.split('.');
  expect(parts.length === 3, step, 'id_token is not a JWS');
  const header = decodePart(parts[0]);
  const claims = decodePart(parts[1]);
  expect(header.alg === 'ES256', step, `id_token alg ${header.alg}`);
  const jwk = jwks.keys.find((k) => k.kid === header.kid);
  expect(jwk, step, `id_token kid ${header.kid} not in jwks`);
  const valid = crypto.verify(
    'sha256',
    Buffer.from(`${parts[0]}.${parts[1]}`),
    { key: crypto.createPublicKey({ key: jwk, format: 'jwk' }), dsaEncoding: 'ieee-p1363' },
    Buffer.from(parts[2], 'base64url'),
  );
  expect(valid, step, 'id_token signature does not verify with the jwks key');
  expect(claims.iss === iss, step, `iss ${claims.iss}`);
  expect(claims.aud === aud, step, `aud ${claims.aud}`);
  expect(claims.sub === sub, step, `sub ${claims.sub}`);
  if (nonce) expect(claims.nonce === nonce, step, 'nonce mismatch');
  expect(claims.name === `Citizen ${sub}`, step, `name ${claims.name} (profile claims not in the ID token)`);
  return { header, claims };
}

async function main() {
  // --- client key and server ------------------------------------------------------------
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-peer-'));
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwksFile = path.join(tmp, 'client-jwks.json');
  fs.writeFileSync(jwksFile, JSON.stringify({ keys: [publicKey.export({ format: 'jwk' })] }));

  child = spawn(process.execPath, [path.join(here, 'server.mjs')], {
    env: { ...process.env, PORT: '0', BENCH_JWKS: jwksFile, NODE_ENV: process.env.NODE_ENV ?? 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr.on('data', (d) => { stderrText += d; });
  const origin = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no "listening" line within 10 s')), 10_000);
    child.stdout.on('data', (d) => {
      stdoutText += d;
      const m = /^listening (http:\/\/127\.0\.0\.1:(\d+))\n/.exec(stdoutText);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on('exit', (code) => reject(new Error(`server exited early (${code})`)));
  }).catch((err) => bail('start', err.message));
  ok('start', `${stdoutText.trim()}${stderrText ? ` (stderr: ${stderrText.trim().replace(/\n/g, ' | ')})` : ''}`);

  // --- discovery, jwks ------------------------------------------------------------------
  let res = await fetch(`${origin}/.well-known/openid-configuration`);
  expect(res.status === 200, 'discovery', `status ${res.status}`);
  const meta = await res.json();
  expect(meta.issuer === origin, 'discovery', `issuer ${meta.issuer}`);
  for (const k of ['authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'jwks_uri']) {
    expect(meta[k]?.startsWith(origin), 'discovery', `${k} = ${meta[k]}`);
  }
  expect(meta.code_challenge_methods_supported?.join() === 'S256', 'discovery', 'PKCE methods');
  expect(meta.id_token_signing_alg_values_supported?.join() === 'ES256', 'discovery', 'ID token algs');
  ok('discovery', ['authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'jwks_uri']
    .map((k) => `${k}=${meta[k].replace(origin, '')}`).join(' '));

  res = await fetch(meta.jwks_uri);
  const jwks = await res.json();
  expect(res.status === 200 && jwks.keys?.length >= 1, 'jwks', `status ${res.status}`);
  expect(jwks.keys.every((k) => !('d' in k)), 'jwks', 'private key material published');
  expect(jwks.keys.some((k) => k.kty === 'EC' && k.crv === 'P-256' && k.alg === 'ES256'), 'jwks', 'no ES256 P-256 key');
  ok('jwks', jwks.keys.map((k) => `${k.kty}/${k.crv}/${k.alg} kid=${k.kid.slice(0, 8)}…`).join(', '));

  // --- citizen-1 with bench-secret: first flow through the interaction -------------------
  const jarA = new Jar();
  const a1 = await authorize('auth citizen-1 (first, interaction)', meta, jarA, origin, { clientId: 'bench-secret', loginHint: 'citizen-1' });
  expect(a1.hops >= 3, 'auth citizen-1 (first, interaction)', `only ${a1.hops} hop(s): no interaction happened`);
  expect(a1.iss === origin, 'auth citizen-1 (first, interaction)', `iss parameter ${a1.iss}`);
  ok('auth citizen-1 (first, interaction)', `${a1.hops} hops, code issued`);

  const a2 = await authorize('auth citizen-1 (again, session)', meta, jarA, origin, { clientId: 'bench-secret', loginHint: 'citizen-1' });
  expect(a2.hops === 1, 'auth citizen-1 (again, session)', `${a2.hops} hops, expected the code redirect directly`);
  ok('auth citizen-1 (again, session)', 'code redirect directly, no interaction');

  // --- token exchange, client_secret_basic ----------------------------------------------
  let t = await tokenRequest(meta, {
    grant_type: 'authorization_code', code: a1.code, redirect_uri: REDIRECT_URI, code_verifier: a1.verifier,
  }, { authorization: basic });
  expect(t.status === 200, 'token (bench-secret, basic)', `${t.status} ${JSON.stringify(t.body)}`);
  expect(t.body.access_token && t.body.id_token && t.body.refresh_token, 'token (bench-secret, basic)', `missing tokens: ${Object.keys(t.body)}`);
  expect(t.body.access_token.split('.').length === 1, 'token (bench-secret, basic)', 'access token is not opaque');
  const idA = checkIdToken('token (bench-secret, basic)', t.body.id_token, jwks, {
    iss: origin, aud: 'bench-secret', sub: 'citizen-1', nonce: a1.nonce,
  });
  ok('token (bench-secret, basic)', `token_type=${t.body.token_type} expires_in=${t.body.expires_in} scope="${t.body.scope}" id_token alg=${idA.header.alg} sub=${idA.claims.sub} name="${idA.claims.name}"`);

  // the session-only code works too, and a wrong verifier is refused
  let t2 = await tokenRequest(meta, {
    grant_type: 'authorization_code', code: a2.code, redirect_uri: REDIRECT_URI, code_verifier: a1.verifier,
  }, { authorization: basic });
  expect(t2.status === 400 && t2.body.error === 'invalid_grant', 'PKCE verifier mismatch', `${t2.status} ${JSON.stringify(t2.body)}`);
  ok('PKCE verifier mismatch', `refused ${t2.status} ${t2.body.error}`);

  // --- refresh twice, with rotation ----------------------------------------------------
  const rt0 = t.body.refresh_token;
  const r1 = await tokenRequest(meta, { grant_type: 'refresh_token', refresh_token: rt0 }, { authorization: basic });
  expect(r1.status === 200 && r1.body.refresh_token && r1.body.refresh_token !== rt0, 'refresh 1', `${r1.status} ${JSON.stringify(r1.body)}`);
  expect(r1.body.id_token, 'refresh 1', 'no id_token');
  ok('refresh 1', 'new access, id and refresh tokens (rotated)');
  const r2 = await tokenRequest(meta, { grant_type: 'refresh_token', refresh_token: r1.body.refresh_token }, { authorization: basic });
  expect(r2.status === 200 && r2.body.refresh_token && r2.body.refresh_token !== r1.body.refresh_token, 'refresh 2', `${r2.status} ${JSON.stringify(r2.body)}`);
  ok('refresh 2', 'rotated again');

  // --- userinfo --------------------------------------------------------------------------
  res = await fetch(meta.userinfo_endpoint, { headers: { authorization: `Bearer ${r2.body.access_token}` } });
  const ui = await res.json().catch(() => ({}));
  expect(res.status === 200 && ui.sub === 'citizen-1' && ui.name === 'Citizen citizen-1', 'userinfo', `${res.status} ${JSON.stringify(ui)}`);
  ok('userinfo', JSON.stringify(ui));

  // --- refresh token reuse -------------------------------------------------------------
  const r0again = await tokenRequest(meta, { grant_type: 'refresh_token', refresh_token: rt0 }, { authorization: basic });
  expect(r0again.status === 400 && r0again.body.error === 'invalid_grant', 'refresh reuse', `${r0again.status} ${JSON.stringify(r0again.body)}`);
  res = await fetch(meta.userinfo_endpoint, { headers: { authorization: `Bearer ${r2.body.access_token}` } });
  await res.arrayBuffer();
  expect(res.status === 401, 'refresh reuse', `userinfo after reuse answered ${res.status}, expected the grant revoked`);
  ok('refresh reuse', `first refresh token refused (${r0again.status} ${r0again.body.error}: ${r0again.body.error_description}); grant revoked (userinfo now 401)`);

  // --- citizen-7 with bench-jwt in another jar: private_key_jwt --------------------------
  const jarB = new Jar();
  const b1 = await authorize('auth citizen-7 (other jar, interaction)', meta, jarB, origin, { clientId: 'bench-jwt', loginHint: 'citizen-7' });
  expect(b1.hops >= 3, 'auth citizen-7 (other jar, interaction)', `only ${b1.hops} hop(s)`);
  ok('auth citizen-7 (other jar, interaction)', `${b1.hops} hops, code issued`);

  const assertion = clientAssertion(privateKey, meta.token_endpoint);
  t = await tokenRequest(meta, {
    grant_type: 'authorization_code', code: b1.code, redirect_uri: REDIRECT_URI, code_verifier: b1.verifier,
    ...jwtAssertionForm(assertion),
  });
  expect(t.status === 200 && t.body.refresh_token, 'token (bench-jwt, private_key_jwt aud=token endpoint)', `${t.status} ${JSON.stringify(t.body)}`);
  const idB = checkIdToken('token (bench-jwt, private_key_jwt aud=token endpoint)', t.body.id_token, jwks, {
    iss: origin, aud: 'bench-jwt', sub: 'citizen-7', nonce: b1.nonce,
  });
  ok('token (bench-jwt, private_key_jwt aud=token endpoint)', `sub=${idB.claims.sub}, refresh token issued`);

  const b2 = await authorize('auth citizen-7 (again, session)', meta, jarB, origin, { clientId: 'bench-jwt', loginHint: 'citizen-7' });
  expect(b2.hops === 1, 'auth citizen-7 (again, session)', `${b2.hops} hops`);
  ok('auth citizen-7 (again, session)', 'code redirect directly');
  const assertionIss = clientAssertion(privateKey, meta.issuer);
  t = await tokenRequest(meta, {
    grant_type: 'authorization_code', code: b2.code, redirect_uri: REDIRECT_URI, code_verifier: b2.verifier,
    ...jwtAssertionForm(assertionIss),
  });
  expect(t.status === 200, 'token (bench-jwt, aud=issuer)', `${t.status} ${JSON.stringify(t.body)}`);
  ok('token (bench-jwt, aud=issuer)', 'accepted');

  const rj = await tokenRequest(meta, { grant_type: 'refresh_token', refresh_token: t.body.refresh_token, ...jwtAssertionForm(clientAssertion(privateKey, meta.token_endpoint)) });
  expect(rj.status === 200 && rj.body.refresh_token !== t.body.refresh_token, 'refresh (bench-jwt)', `${rj.status} ${JSON.stringify(rj.body)}`);
  ok('refresh (bench-jwt)', 'rotated');

  t = await tokenRequest(meta, { grant_type: 'refresh_token', refresh_token: rj.body.refresh_token, ...jwtAssertionForm(assertionIss) });
  expect(t.status === 401 && t.body.error === 'invalid_client', 'assertion jti replay', `${t.status} ${JSON.stringify(t.body)}`);
  ok('assertion jti replay', `refused ${t.status} ${t.body.error}: ${t.body.error_description}`);

  // --- PKCE required -------------------------------------------------------------------
  for (const [label, extra] of [
    ['no code_challenge', {}],
    ['code_challenge_method=plain', { code_challenge: 'x'.repeat(43), code_challenge_method: 'plain' }],
  ]) {
    const step = `PKCE required (${label})`;
    const url = authUrl(meta, { clientId: 'bench-secret', loginHint: 'citizen-1', state: 's', nonce: 'n', extra });
    res = await fetch(url, { redirect: 'manual' });
    await res.arrayBuffer();
    const loc = res.headers.get('location');
    const err = loc ? new URL(loc).searchParams.get('error') : null;
    expect(res.status >= 300 && err === 'invalid_request' && !new URL(loc).searchParams.get('code'), step, `${res.status} ${loc}`);
    ok(step, `${res.status} -> ${loc.split('?')[0]}?error=${err} (${new URL(loc).searchParams.get('error_description')})`);
  }

  // --- clean shutdown ------------------------------------------------------------------
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  child.kill('SIGTERM');
  const { code, signal } = await Promise.race([
    exited,
    new Promise((resolve) => setTimeout(() => resolve({ code: 'timeout' }), 5000)),
  ]);
  expect(code === 0, 'shutdown', `exit ${code} ${signal ?? ''}`);
  expect(stdoutText === stdoutText.split('\n')[0] + '\n', 'shutdown', `stdout had more than one line: ${JSON.stringify(stdoutText)}`);
  const noise = stderrText.split('\n').filter((l) => l && !l.includes('Unsupported runtime'));
  expect(!noise.some((l) => l.includes('server_error')), 'shutdown', `server errors:\n${noise.join('\n')}`);
  ok('shutdown', `SIGTERM -> exit 0, stdout was exactly one line, ${noise.length ? `stderr: ${noise.join(' | ')}` : 'nothing else on stderr'}`);
  cleanup();
  process.stdout.write('all checks passed\n');
}

main().catch((err) => bail('unexpected', err.stack ?? err));
