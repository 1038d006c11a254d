// A real OpenID provider (panva's oidc-provider) on loopback for the single sign-on tests.
//
//   node provider.js            settings from the environment:
//     PORT            the port on 127.0.0.1 (required)
//     REDIRECT_URIS   the app's callback addresses, separated by spaces
//     LOGOUT_URIS     where the provider may send people back after logging out, separated by spaces
//     CLIENT_SECRET   the secret of every client below
//
// Clients: "fjernarbeid" (honest), "fjernarbeid-wrong-aud" and "fjernarbeid-wrong-iss", whose ID tokens
// this script signs again with the provider's own key after changing `aud` or `iss` — a provider that
// hands out a token meant for someone else, or a token from another issuer signed with a trusted key.
//
// People and their groups live in memory; the tests set them with
//   PUT /_test/users/<id>  {"name": "...", "email": "...", "groups": ["..."]}
// (the provider's development login form accepts any password for any login).
// Prints "ready <issuer>" on stdout when it listens.
import { generateKeyPair, exportJWK, decodeJwt, SignJWT } from 'jose';
import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
if (!port) throw new Error('PORT is required');
const issuer = `http://127.0.0.1:${port}`;
const secret = process.env.CLIENT_SECRET || 'test-client-secret-for-loopback-only';
const redirectUris = (process.env.REDIRECT_URIS || 'http://localhost/logg-inn/sso/svar').split(/\s+/).filter(Boolean);
const logoutUris = (process.env.LOGOUT_URIS || 'http://localhost/').split(/\s+/).filter(Boolean);

const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const jwk = { ...(await exportJWK(privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };

const users = new Map();

const client = (id) => ({
  client_id: id,
  client_secret: secret,
  redirect_uris: redirectUris,
  post_logout_redirect_uris: logoutUris,
  grant_types: ['authorization_code'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_basic',
});

const provider = new Provider(issuer, {
  clients: [client('fjernarbeid'), client('fjernarbeid-wrong-aud'), client('fjernarbeid-wrong-iss')],
  jwks: { keys: [jwk] },
  cookies: { keys: ['loopback-test-cookie-key'] },
  pkce: { required: () => true }, // S256 only (the default): a login without PKCE is refused
  scopes: ['openid', 'email', 'profile', 'groups'],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'preferred_username'],
    groups: ['groups'],
  },
  conformIdTokenClaims: false, // the claims go into the ID token, as Entra ID puts its groups there
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  async findAccount(ctx, id) {
    const user = users.get(id) || { groups: [] };
    return {
      accountId: id,
      async claims() {
        return {
          sub: id,
          name: user.name || id,
          preferred_username: id,
          email: user.email || `${id}@example.test`,
          email_verified: true,
          groups: user.groups || [],
        };
      },
    };
  },
  // A first-party client: no consent screen, the scopes asked for are granted.
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope(ctx.oidc.params.scope);
    await grant.save();
    return grant;
  },
});
provider.on('server_error', (ctx, error) => console.error('server_error', error));

provider.use(async (ctx, next) => {
  const match = ctx.path.match(/^\/_test\/users\/([A-Za-z0-9._@-]+)$/);
  if (match && ctx.method === 'PUT') {
    let body = '';
    for await (const chunk of ctx.req) body += chunk;
    users.set(match[1], JSON.parse(body || '{}'));
    ctx.status = 204;
    return;
  }
  await next();
  // The two lying clients: the token endpoint's ID token, changed and signed again with the real key.
  // (azp names the client, so that only a check of aud itself finds the wrong audience)
  const clientId = ctx.oidc?.client?.clientId;
  const lie = {
    'fjernarbeid-wrong-aud': { aud: 'someone-else', azp: clientId },
    'fjernarbeid-wrong-iss': { iss: 'http://127.0.0.1:1' },
  };
  if (ctx.oidc?.route === 'token' && ctx.body?.id_token && lie[clientId]) {
    const claims = { ...decodeJwt(ctx.body.id_token), ...lie[clientId] };
    ctx.body = {
      ...ctx.body,
      id_token: await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'test-key' }).sign(privateKey),
    };
  }
});

provider.listen(port, '127.0.0.1', () => {
  console.log(`ready ${issuer}`);
});
