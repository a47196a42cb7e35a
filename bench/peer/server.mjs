// Benchmark peer: panva's oidc-provider configured as close as its options allow to
// Civitas, for side-by-side runs of the load generator. See README.md.
//
// Env: PORT (0 = any free port), BENCH_JWKS (path to {"keys":[...]} with the public
// P-256 JWK(s) of the private_key_jwt client), BENCH_STORE_MAX (optional, see below).
// Prints exactly one line to stdout when ready: `listening http://127.0.0.1:<port>`.

import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';

import Provider from 'oidc-provider';
// The default adapter's own class, reached directly so that its store can be bigger
// than the 1000 entries createMemoryAdapter() gives it (see makeAdapter below). The
// package has no "exports" map and the version is pinned, so these paths are stable.
import MemoryAdapter from 'oidc-provider/lib/adapters/memory_adapter.js';
import LRU from 'oidc-provider/lib/helpers/lru.js';

// oidc-provider prints its NOTICEs with console.info (stdout); stdout is reserved for
// the one "listening" line, so everything the library says goes to stderr.
console.info = console.warn;
console.log = console.warn;

const REDIRECT_URI = 'http://127.0.0.1:9/cb';
const SECRET = 'bench-secret-0123456789abcdef0123456789abcdef';
const CLOCK_TOLERANCE = 15;

// Lifetimes as in Civitas (src/oidc/tokens.rs, sessions.absolute_lifetime_secs).
const CODE_TTL = 60;
const ACCESS_TOKEN_TTL = 600;
const ID_TOKEN_TTL = 300;
const REFRESH_TOKEN_TTL = 30 * 24 * 3600;
const SESSION_TTL = 12 * 3600;
const INTERACTION_TTL = 600;
const GRANT_TTL = REFRESH_TOKEN_TTL + 24 * 3600; // must outlive the refresh tokens

function fail(message) {
  process.stderr.write(`bench peer: ${message}\n`);
  process.exit(2);
}

function readClientJwks() {
  const file = process.env.BENCH_JWKS;
  if (!file) fail('BENCH_JWKS must name a JSON file {"keys":[...]}');
  let jwks;
  try {
    jwks = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    fail(`cannot read BENCH_JWKS ${file}: ${err.message}`);
  }
  if (!Array.isArray(jwks?.keys) || jwks.keys.length === 0) {
    fail(`BENCH_JWKS ${file} has no keys`);
  }
  // Public parts only; a private "d" would be refused as client metadata.
  return {
    keys: jwks.keys.map(({ d, ...pub }) => pub), // eslint-disable-line no-unused-vars
  };
}

// One ES256 signing key, made at start and kept in memory only.
function makeSigningJwks() {
  const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = privateKey.export({ format: 'jwk' });
  const kid = crypto
    .createHash('sha256')
    .update(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }))
    .digest('base64url');
  return { keys: [{ ...jwk, kid, alg: 'ES256', use: 'sig' }] };
}

// The in-memory adapter (the library's default MemoryAdapter class), with one shared
// store. The default factory caps that store at 1000 entries, and a load run that keeps
// a few hundred users' sessions, grants and tokens alive would have them evicted under
// it (spurious invalid_grant / login loops), so the cap is raised; expired entries are
// still dropped as usual.
function makeAdapter() {
  const maxSize = Number.parseInt(process.env.BENCH_STORE_MAX ?? '', 10) || 2_000_000;
  const store = new LRU({ maxSize });
  return (model) => new MemoryAdapter(model, store, CLOCK_TOLERANCE);
}

// Any account id exists.
async function findAccount(_ctx, id) {
  return {
    accountId: id,
    async claims() {
      return {
        sub: id,
        name: `Citizen ${id}`,
        given_name: 'Citizen',
        family_name: id,
      };
    },
  };
}

function configuration(clientJwks) {
  const common = {
    redirect_uris: [REDIRECT_URI],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    id_token_signed_response_alg: 'ES256',
    scope: 'openid profile',
  };
  return {
    clients: [
      {
        ...common,
        client_id: 'bench-jwt',
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'ES256',
        jwks: clientJwks,
      },
      {
        ...common,
        client_id: 'bench-secret',
        client_secret: SECRET,
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    clientDefaults: {
      grant_types: ['authorization_code', 'refresh_token'],
      id_token_signed_response_alg: 'ES256',
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
    enabledJWA: {
      idTokenSigningAlgValues: ['ES256'],
      clientAuthSigningAlgValues: ['ES256', 'RS256'],
    },
    jwks: makeSigningJwks(),
    adapter: makeAdapter(),
    findAccount,
    clockTolerance: CLOCK_TOLERANCE,
    cookies: {
      keys: [crypto.randomBytes(32).toString('base64url')],
    },
    responseTypes: ['code'],
    scopes: ['openid', 'offline_access'],
    claims: {
      openid: ['sub'],
      profile: ['name', 'given_name', 'family_name', 'birthdate', 'gender'],
      acr: null,
      sid: null,
      auth_time: null,
      iss: null,
    },
    // Civitas puts the released scope claims into the ID token as well.
    conformIdTokenClaims: false,
    pkce: { required: () => true }, // S256 is the only method this version knows
    // Refresh tokens for every client allowed the grant, without offline_access or
    // prompt=consent, independent of the browser session; rotated on every use (a
    // reused one revokes its grant, as in Civitas).
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    expiresWithSession: async () => false,
    rotateRefreshToken: true,
    ttl: {
      AccessToken: ACCESS_TOKEN_TTL,
      AuthorizationCode: CODE_TTL,
      IdToken: ID_TOKEN_TTL,
      RefreshToken: REFRESH_TOKEN_TTL,
      Session: SESSION_TTL,
      Interaction: INTERACTION_TTL,
      Grant: GRANT_TTL,
    },
    interactions: {
      url: async (_ctx, interaction) => `/interaction/${interaction.uid}`,
    },
    features: {
      devInteractions: { enabled: false },
      // Opaque access tokens only: no resource indicators, no JWT access tokens.
      resourceIndicators: { enabled: false },
      // Not in Civitas either.
      dPoP: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
      // Civitas honours the claims parameter.
      claimsParameter: { enabled: true },
      userinfo: { enabled: true },
    },
  };
}

// Claims named in a `claims` request parameter, for the grant.
function requestedClaims(params) {
  if (typeof params.claims !== 'string') return [];
  try {
    const parsed = JSON.parse(params.claims);
    return [
      ...Object.keys(parsed.userinfo ?? {}),
      ...Object.keys(parsed.id_token ?? {}),
    ];
  } catch {
    return [];
  }
}

// GET /interaction/:uid — auto-approve: log in as login_hint (default citizen-1) and
// grant everything requested, then hand back to the provider's resume endpoint.
async function interaction(provider, req, res) {
  const details = await provider.interactionDetails(req, res);
  const { prompt, params, session } = details;

  const result = {};
  let accountId = session?.accountId;
  if (!accountId || prompt.name === 'login') {
    accountId = typeof params.login_hint === 'string' && params.login_hint
      ? params.login_hint
      : 'citizen-1';
    result.login = { accountId };
  }

  let grant;
  if (details.grantId) grant = await provider.Grant.find(details.grantId);
  if (!grant || grant.accountId !== accountId) {
    grant = new provider.Grant({ accountId, clientId: params.client_id });
  }
  if (typeof params.scope === 'string') grant.addOIDCScope(params.scope);
  const claims = requestedClaims(params);
  if (claims.length) grant.addOIDCClaims(claims);
  result.consent = { grantId: await grant.save() };

  await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
}

const clientJwks = readClientJwks();
const requestedPort = Number.parseInt(process.env.PORT ?? '0', 10) || 0;

let handler = (_req, res) => {
  res.statusCode = 503;
  res.end();
};
const server = http.createServer((req, res) => handler(req, res));
// Let the load generator keep its connections (Node's default idle timeout is 5 s).
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;

server.on('error', (err) => fail(err.message));
server.listen(requestedPort, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  let provider;
  try {
    provider = new Provider(issuer, configuration(clientJwks));
  } catch (err) {
    fail(`configuration refused: ${err.message}`);
  }
  // Only genuine 500s are reported; no per-request logging.
  provider.on('server_error', (_ctx, err) => {
    process.stderr.write(`bench peer: server_error: ${err?.stack ?? err}\n`);
  });

  const callback = provider.callback();
  handler = (req, res) => {
    if (req.method === 'GET' && req.url.startsWith('/interaction/')) {
      interaction(provider, req, res).catch((err) => {
        if (!res.headersSent) {
          res.statusCode = err.statusCode ?? err.status ?? 500;
          res.setHeader('Content-Type', 'text/plain');
          res.end(`${err.name}: ${err.error_description ?? err.message}\n`);
        } else {
          res.destroy();
        }
      });
      return;
    }
    callback(req, res);
  };

  process.stdout.write(`listening ${issuer}\n`);
});

function shutdown() {
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
