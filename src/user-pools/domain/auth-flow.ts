// Sign-in: the flows of (Admin)InitiateAuth and the challenges of (Admin)RespondToAuthChallenge, as one pipeline (COGNITO-API.md §4, §5).
//
//   InitiateAuth ──► client, flow enabled, parameters, SECRET_HASH ──► primary factor ──► afterPrimaryFactor ──► tokens
//                     USER_PASSWORD_AUTH / ADMIN_USER_PASSWORD_AUTH: password here
//                     USER_SRP_AUTH: PASSWORD_VERIFIER challenge ─► RespondToAuthChallenge checks the proof ─┘
//                     REFRESH_TOKEN_AUTH: tokens from the refresh token (no primary factor, no new refresh token)
//   afterPrimaryFactor: FORCE_CHANGE_PASSWORD → NEW_PASSWORD_REQUIRED challenge; [devices, MFA: the seam below]; tokens.
//
// Challenge state never lives in process memory: it is sealed with the master key (deps.secrets) into the Session
// (or, for PASSWORD_VERIFIER, into SECRET_BLOCK — Cognito returns no Session at that step, and A is too long for
// the 2048-character Session), so any server sharing the database can take the next step. A sealed state names
// its pool, client, user and challenge and expires after the client's AuthSessionValidity; each is used once
// (a counter per nonce in deps.store.counters).
import { createHmac } from 'node:crypto';
import type { Deps } from '../../deps.ts';
import type { ClientRecord, PoolRecord, UserRecord } from '../../storage/records.ts';
import { issueTokens } from '../../tokens/mint.ts';
import { redeemRefreshToken } from '../../tokens/refresh.ts';
import {
  AliasExistsException,
  InvalidParameterException,
  InvalidUserPoolConfigurationException,
  NotAuthorizedException,
  PasswordResetRequiredException,
  UnsupportedOperationException,
  UserNotConfirmedException,
  UserNotFoundException,
} from '../errors.ts';
import type { AuthenticationResultType, InitiateAuthResponse } from '../shapes.ts';
import { checkClientWritable, newUserAttributes } from './attributes.ts';
import { computeVerifier, parseSrpTimestamp, startServerSession, verifyPasswordClaim } from '../srp.ts';
import {
  clientNotFound,
  clientSecrets,
  effectiveAuthFlows,
  getClient,
  poolAttributes,
  preventUserExistenceErrors,
  verifySecretHash,
  type ClientSettings,
} from './clients.ts';
import { beginPasswordAttempt, clearFailedSignIns } from './lockout.ts';
import {
  checkPasswordPolicy,
  dummyVerify,
  newCredentials,
  openCredentials,
  passwordPolicyOf,
  srpPoolName,
  verifyPasswordHash,
} from './passwords.ts';
import { getPool, poolSettings, type PoolSettings } from './pools.ts';
import { claimAlias } from './sign-up.ts';
import { findUserBySignInName } from './users.ts';
import { isCaseInsensitive, usernameKey } from './usernames.ts';

export type ChallengeName = NonNullable<InitiateAuthResponse['ChallengeName']>;

/** What every sign-in step answers (InitiateAuth and RespondToAuthChallenge, admin or not). */
export interface AuthOutput {
  ChallengeName?: ChallengeName;
  Session?: string;
  ChallengeParameters: Record<string, string>;
  AuthenticationResult?: AuthenticationResultType;
}

/** The pool and app client a sign-in request runs under; `admin` for AdminInitiateAuth/AdminRespondToAuthChallenge. */
export interface AuthContext {
  pool: PoolRecord;
  client: ClientRecord;
  admin: boolean;
}

type AuthDeps = Deps;

// ---------------------------------------------------------------------------------------------------------
// Messages (COGNITO-API.md §10; "obs" = seen in real-service output, "rep" = widely reported, "ours" = guessed)

export const MSG = {
  incorrect: 'Incorrect username or password.', // obs
  userNotFound: 'User does not exist.', // obs
  notConfirmed: 'User is not confirmed.', // rep
  resetRequired: 'Password reset required for the user', // rep
  disabled: 'User is disabled.', // rep
  tempExpired: 'Temporary password has expired and must be reset by an administrator.', // rep
  sessionExpired: 'Invalid session for the user, session is expired.', // rep
  sessionInvalid: 'Invalid session for the user.', // rep
  methodNotSupported: 'Initiate Auth method not supported.', // obs (awsdocs/aws-doc-sdk-examples#5289)
  missing: (p: string) => `Missing required parameter ${p}`, // rep
  secretMissing: (clientId: string) => `Client ${clientId} is configured for secret but secret was not received`, // rep
  secretWrong: (clientId: string) => `Unable to verify secret hash for client ${clientId}`, // obs
} as const;

// ---------------------------------------------------------------------------------------------------------
// Client, flow and parameters

/** The app client of a public request (InitiateAuth, RespondToAuthChallenge): client ids are unique across pools. */
export async function publicAuthContext(deps: Pick<Deps, 'store'>, clientId: string): Promise<AuthContext> {
  const client = await deps.store.clients.get(clientId);
  if (!client) clientNotFound(clientId);
  const pool = await deps.store.pools.get(client.poolId);
  if (!pool) clientNotFound(clientId);
  return { pool, client, admin: false };
}

/** The pool and app client of an admin request: the pool must exist and own the client. */
export async function adminAuthContext(deps: Pick<Deps, 'store'>, poolId: string, clientId: string): Promise<AuthContext> {
  const pool = await getPool(deps, poolId);
  const client = await getClient(deps, poolId, clientId);
  return { pool, client, admin: true };
}

const PUBLIC_FLOWS = new Set(['USER_SRP_AUTH', 'REFRESH_TOKEN_AUTH', 'REFRESH_TOKEN', 'CUSTOM_AUTH', 'USER_PASSWORD_AUTH', 'USER_AUTH']);
const ADMIN_FLOWS = new Set(['USER_SRP_AUTH', 'REFRESH_TOKEN_AUTH', 'REFRESH_TOKEN', 'CUSTOM_AUTH', 'ADMIN_NO_SRP_AUTH', 'ADMIN_USER_PASSWORD_AUTH', 'USER_AUTH']);

/**
 * Whether the client's ExplicitAuthFlows admit `flow`. Legacy values (no ALLOW_ entries) only ever turned on
 * extra flows: SRP (unless CUSTOM_AUTH_FLOW_ONLY), custom auth and refresh stayed available.
 */
export function flowEnabled(settings: Pick<ClientSettings, 'ExplicitAuthFlows'> | { ExplicitAuthFlows?: string[] }, flow: string): boolean {
  const flows = effectiveAuthFlows(settings as ClientSettings);
  const has = (f: string) => flows.includes(f);
  const legacy = !flows.some((f) => f.startsWith('ALLOW_'));
  switch (flow) {
    case 'USER_PASSWORD_AUTH':
      return has('ALLOW_USER_PASSWORD_AUTH') || has('USER_PASSWORD_AUTH');
    case 'ADMIN_USER_PASSWORD_AUTH':
    case 'ADMIN_NO_SRP_AUTH':
      return has('ALLOW_ADMIN_USER_PASSWORD_AUTH') || has('ADMIN_NO_SRP_AUTH');
    case 'USER_SRP_AUTH':
      return has('ALLOW_USER_SRP_AUTH') || (legacy && !has('CUSTOM_AUTH_FLOW_ONLY'));
    case 'REFRESH_TOKEN_AUTH':
    case 'REFRESH_TOKEN':
      return has('ALLOW_REFRESH_TOKEN_AUTH') || legacy;
    case 'CUSTOM_AUTH':
      return has('ALLOW_CUSTOM_AUTH') || legacy;
    case 'USER_AUTH':
      return has('ALLOW_USER_AUTH');
    default:
      return false;
  }
}

/** Cognito's answer for a flow the client does not enable (InvalidParameterException). */
function flowNotEnabled(flow: string): string {
  switch (flow) {
    case 'USER_PASSWORD_AUTH':
      return 'USER_PASSWORD_AUTH flow not enabled for this client'; // rep
    case 'USER_SRP_AUTH':
      return 'USER_SRP_AUTH is not enabled for the client.'; // obs (a real pool's log)
    case 'ADMIN_USER_PASSWORD_AUTH':
    case 'ADMIN_NO_SRP_AUTH':
      return 'Auth flow not enabled for this client'; // rep
    case 'REFRESH_TOKEN_AUTH':
    case 'REFRESH_TOKEN':
      return 'Refresh Token flow not enabled for this client'; // ours
    default:
      return `${flow} flow not enabled for this client`; // ours
  }
}

function param(params: Record<string, string>, name: string): string {
  const v = params[name];
  if (v === undefined || v === '') throw new InvalidParameterException(MSG.missing(name));
  return v;
}

// ---------------------------------------------------------------------------------------------------------
// SECRET_HASH (§3.7)

/** Missing SECRET_HASH on a client with a secret: checked before anything else is looked up. */
function requireSecretHashPresent(deps: AuthDeps, client: ClientRecord, hash: string | undefined): string[] {
  const secrets = clientSecrets(deps, client);
  if (secrets.length && !hash) throw new NotAuthorizedException(MSG.secretMissing(client.id));
  return secrets;
}

/**
 * The names a client may have hashed: the name it sent, and for a known user the internal username, the sub and
 * the alias values. Clients differ (USER_ID_FOR_SRP after SRP, the internal username for refresh), Cognito is lenient.
 */
export function secretHashNames(given: string | undefined, user: UserRecord | null): string[] {
  const names = new Set<string>();
  if (given) names.add(given);
  if (user) {
    names.add(user.username);
    names.add(user.sub);
    for (const a of ['email', 'phone_number', 'preferred_username']) if (user.attributes[a]) names.add(user.attributes[a]!);
  }
  return [...names];
}

/** Throws unless the client has no secret or `hash` is the SECRET_HASH of one of `names`. */
export function checkSecretHash(deps: AuthDeps, client: ClientRecord, hash: string | undefined, names: string[]): void {
  const secrets = requireSecretHashPresent(deps, client, hash);
  if (!secrets.length) return;
  if (!names.some((n) => verifySecretHash(secrets, n, client.id, hash!))) throw new NotAuthorizedException(MSG.secretWrong(client.id));
}

// ---------------------------------------------------------------------------------------------------------
// Sealed challenge state

interface SealedState {
  /** Marks the plaintext as ours: other sealed documents (credentials, keys) never parse as a state. */
  t: 'cognate-auth';
  poolId: string;
  clientId: string;
  /** The internal username (for a simulated challenge of an unknown user: the USER_ID_FOR_SRP it was given). */
  username: string;
  /** The name the client signed in with. */
  given: string;
  challenge: ChallengeName;
  expiresAt: number;
  nonce: string;
  /** PASSWORD_VERIFIER: the client's A and our b (hex); B is recomputed from b and the verifier. */
  srp?: { A: string; b: string };
  /** A simulated PASSWORD_VERIFIER for an unknown user (PreventUserExistenceErrors ENABLED): always fails. */
  simulated?: true;
}

/** How long a challenge may be answered: the client's AuthSessionValidity (3–15 minutes, default 3). */
export function sessionValidityMs(client: ClientRecord): number {
  const minutes = (client.settings as ClientSettings).AuthSessionValidity ?? 3;
  return minutes * 60_000;
}

function sealState(deps: AuthDeps, ctx: AuthContext, s: Omit<SealedState, 't' | 'poolId' | 'clientId' | 'expiresAt' | 'nonce'>): string {
  const state: SealedState = {
    t: 'cognate-auth',
    poolId: ctx.pool.id,
    clientId: ctx.client.id,
    ...s,
    expiresAt: deps.clock.now() + sessionValidityMs(ctx.client),
    nonce: deps.random.bytes(12).toString('base64url'),
  };
  return deps.secrets.encrypt(JSON.stringify(state));
}

/** Opens a sealed state for `challenge` of this pool and client; `invalid` is the message for anything not ours. */
function openState(deps: AuthDeps, ctx: AuthContext, sealed: string | undefined, challenge: ChallengeName, invalid: string): SealedState {
  let s: SealedState;
  try {
    s = JSON.parse(deps.secrets.decryptString(sealed ?? ''));
  } catch {
    throw new NotAuthorizedException(invalid);
  }
  if (s?.t !== 'cognate-auth' || s.poolId !== ctx.pool.id || s.clientId !== ctx.client.id || s.challenge !== challenge)
    throw new NotAuthorizedException(invalid);
  if (s.expiresAt <= deps.clock.now()) throw new NotAuthorizedException(MSG.sessionExpired);
  return s;
}

/** Marks a state used (atomically, across processes); a second use is an invalid session. */
async function consumeState(deps: AuthDeps, s: SealedState): Promise<void> {
  const now = deps.clock.now();
  const n = await deps.store.counters.hit(`auth-session:${s.nonce}`, Math.max(1, s.expiresAt - now) + 60_000, now);
  if (n > 1) throw new NotAuthorizedException(MSG.sessionInvalid);
}

/** SECRET_BLOCK must be standard base64 (clients sign its decoded bytes); the sealed text is base64url with dots. */
const toSecretBlock = (sealed: string) => Buffer.from(sealed, 'utf8').toString('base64');
const fromSecretBlock = (block: string) => Buffer.from(block, 'base64').toString('utf8');

// ---------------------------------------------------------------------------------------------------------
// Users

/** Status gates before any password check (§5.3 step 4): disabled, UNCONFIRMED, RESET_REQUIRED. */
function assertUserMaySignIn(user: UserRecord): void {
  if (!user.enabled) throw new NotAuthorizedException(MSG.disabled);
  if (user.status === 'UNCONFIRMED') throw new UserNotConfirmedException(MSG.notConfirmed);
  if (user.status === 'RESET_REQUIRED') throw new PasswordResetRequiredException(MSG.resetRequired);
}

/** PreventUserExistenceErrors ENABLED: nothing may tell an existing user from an unknown one before the password. */
function hidesUsers(ctx: AuthContext): boolean {
  return preventUserExistenceErrors(ctx.client.settings as ClientSettings) === 'ENABLED';
}

async function userByInternalName(deps: AuthDeps, pool: PoolRecord, username: string): Promise<UserRecord | null> {
  return deps.store.users.get(pool.id, usernameKey(pool, username));
}

/** An unknown sign-in name: LEGACY says so; ENABLED spends a password check's time and answers like a wrong password. */
async function unknownUser(deps: AuthDeps, ctx: AuthContext, password: string | null): Promise<never> {
  if (preventUserExistenceErrors(ctx.client.settings as ClientSettings) !== 'ENABLED') throw new UserNotFoundException(MSG.userNotFound);
  if (password !== null) await dummyVerify(password);
  throw new NotAuthorizedException(MSG.incorrect);
}

/** Temporary passwords expire TemporaryPasswordValidityDays after they were set (0: no expiry — ours). */
export function temporaryPasswordExpired(pool: PoolRecord, user: UserRecord, now: number): boolean {
  const days = passwordPolicyOf(pool).TemporaryPasswordValidityDays ?? 7;
  if (!days) return false;
  return now > (user.passwordSetAt ?? user.createdAt) + days * 86_400_000;
}

// ---------------------------------------------------------------------------------------------------------
// InitiateAuth / AdminInitiateAuth

export interface InitiateInput {
  AuthFlow: string;
  AuthParameters?: Record<string, string>;
  ClientMetadata?: Record<string, string>;
}

export async function initiateAuth(deps: AuthDeps, ctx: AuthContext, input: InitiateInput): Promise<AuthOutput> {
  const flow = input.AuthFlow;
  if (!(ctx.admin ? ADMIN_FLOWS : PUBLIC_FLOWS).has(flow)) throw new InvalidParameterException(MSG.methodNotSupported);
  if (!flowEnabled(ctx.client.settings as ClientSettings, flow)) throw new InvalidParameterException(flowNotEnabled(flow));
  const params = input.AuthParameters ?? {};
  switch (flow) {
    case 'USER_PASSWORD_AUTH':
    case 'ADMIN_USER_PASSWORD_AUTH':
    case 'ADMIN_NO_SRP_AUTH':
      return passwordSignIn(deps, ctx, params);
    case 'USER_SRP_AUTH':
      return srpStart(deps, ctx, params);
    case 'REFRESH_TOKEN_AUTH':
    case 'REFRESH_TOKEN':
      return refreshSignIn(deps, ctx, params);
    default:
      // CUSTOM_AUTH (Lambda challenges) and USER_AUTH (choice-based) are not built yet.
      throw new UnsupportedOperationException(`Cognate does not implement the ${flow} flow yet.`);
  }
}

/** USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH (= ADMIN_NO_SRP_AUTH): the password in the request. */
async function passwordSignIn(deps: AuthDeps, ctx: AuthContext, params: Record<string, string>): Promise<AuthOutput> {
  const name = param(params, 'USERNAME');
  const password = param(params, 'PASSWORD');
  requireSecretHashPresent(deps, ctx.client, params.SECRET_HASH);
  const user = await findUserBySignInName(deps, ctx.pool, name);
  checkSecretHash(deps, ctx.client, params.SECRET_HASH, secretHashNames(name, user));
  if (!user) return unknownUser(deps, ctx, password);
  // LEGACY: the status gates before the password check; ENABLED: only after a correct password (a wrong one must
  // not tell a disabled or unconfirmed user from an unknown one).
  const hides = hidesUsers(ctx);
  if (!hides) assertUserMaySignIn(user);
  const attempt = await beginPasswordAttempt(deps, ctx.pool.id, user.username);
  const creds = openCredentials(deps, user);
  let ok = false;
  if (creds.passwordHash) ok = await verifyPasswordHash(creds.passwordHash, password);
  else await dummyVerify(password);
  if (!ok) throw new NotAuthorizedException(MSG.incorrect);
  await attempt.succeeded();
  if (hides) assertUserMaySignIn(user);
  return afterPrimaryFactor(deps, ctx, user, name);
}

const HEX = /^[0-9a-fA-F]{1,1024}$/;

/** A per-deployment key for simulated SRP salts, kept (sealed) in the store so every process derives the same salt. */
const simulationKeys = new WeakMap<object, Promise<Buffer>>();
function simulationKey(deps: AuthDeps): Promise<Buffer> {
  let k = simulationKeys.get(deps.store);
  if (!k) {
    k = (async () => {
      const sealed = await deps.store.meta.setIfAbsent('srp_simulation_key', deps.secrets.encrypt(deps.random.bytes(32)));
      return deps.secrets.decrypt(sealed);
    })();
    simulationKeys.set(deps.store, k);
    k.catch(() => simulationKeys.delete(deps.store));
  }
  return k;
}

/**
 * A PASSWORD_VERIFIER for a user who does not exist or has no SRP verifier: salt and verifier derived from the
 * name, so repeated attempts see the same SALT (Cognito's "simulated challenge"); B is fresh each time, as for
 * real users. The answer always fails with "Incorrect username or password.".
 */
async function simulatedVerifier(deps: AuthDeps, pool: PoolRecord, name: string): Promise<{ saltHex: string; verifierHex: string }> {
  const key = await simulationKey(deps);
  const derive = (what: string) => createHmac('sha256', key).update(`${what}\0${pool.id}\0${usernameKey(pool, name)}`).digest();
  return computeVerifier(srpPoolName(pool.id), name, derive('password').toString('base64'), derive('salt').subarray(0, 16));
}

/**
 * USER_ID_FOR_SRP for an unknown name in a pool whose users sign in with email / phone number (UsernameAttributes):
 * real users get their internal username (a UUID), so an unknown name gets a UUID too — derived from the name, so
 * repeated attempts see the same one — instead of the name echoed back, which would tell it is unknown.
 */
async function simulatedUserId(deps: AuthDeps, pool: PoolRecord, name: string): Promise<string> {
  if (!(poolSettings(pool).UsernameAttributes ?? []).length) return name; // real users' ids are the names given
  const key = await simulationKey(deps);
  // Emails match case-insensitively (users.ts), so the derived id does too.
  const folded = name.includes('@') ? name.toLowerCase() : usernameKey(pool, name);
  const b = createHmac('sha256', key).update(`user-id\0${pool.id}\0${folded}`).digest().subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** USER_SRP_AUTH round 1 (§4.3): SALT, SRP_B and the sealed SECRET_BLOCK. */
async function srpStart(deps: AuthDeps, ctx: AuthContext, params: Record<string, string>): Promise<AuthOutput> {
  const name = param(params, 'USERNAME');
  const A = param(params, 'SRP_A');
  if (!HEX.test(A)) throw new InvalidParameterException('SRP_A is not a valid hexadecimal number.'); // ours
  requireSecretHashPresent(deps, ctx.client, params.SECRET_HASH);
  const user = await findUserBySignInName(deps, ctx.pool, name);
  checkSecretHash(deps, ctx.client, params.SECRET_HASH, secretHashNames(name, user));
  // Unknown user: LEGACY says so now; ENABLED carries on with a simulated challenge that fails in round 2.
  if (!user && preventUserExistenceErrors(ctx.client.settings as ClientSettings) !== 'ENABLED')
    throw new UserNotFoundException(MSG.userNotFound);
  // ENABLED: the status is told only after a correct proof (round 2).
  if (user && !hidesUsers(ctx)) assertUserMaySignIn(user);
  const creds = user ? openCredentials(deps, user) : {};
  const simulated = !user || !creds.srpVerifierHex || !creds.srpSaltHex;
  const userId = user ? user.username : await simulatedUserId(deps, ctx.pool, name);
  const { saltHex, verifierHex } = simulated
    ? await simulatedVerifier(deps, ctx.pool, userId)
    : { saltHex: creds.srpSaltHex!, verifierHex: creds.srpVerifierHex! };
  let srpBHex: string;
  let bHex: string;
  try {
    ({ srpBHex, bHex } = startServerSession(verifierHex, A, deps.random.bytes(32)));
  } catch (e) {
    if (e instanceof Error && e.message === 'SRP_A') throw new InvalidParameterException('SRP_A is not a valid value.'); // ours
    throw e;
  }
  const sealed = sealState(deps, ctx, {
    username: userId,
    given: name,
    challenge: 'PASSWORD_VERIFIER',
    srp: { A, b: bHex },
    ...(simulated ? { simulated: true as const } : {}),
  });
  // No Session at this step (measured on AWS, §4.3): the state travels in SECRET_BLOCK.
  return {
    ChallengeName: 'PASSWORD_VERIFIER',
    ChallengeParameters: { SALT: saltHex, SECRET_BLOCK: toSecretBlock(sealed), SRP_B: srpBHex, USERNAME: userId, USER_ID_FOR_SRP: userId },
  };
}

/** REFRESH_TOKEN_AUTH / REFRESH_TOKEN: new ID and access tokens, the same refresh token (none in the answer). */
async function refreshSignIn(deps: AuthDeps, ctx: AuthContext, params: Record<string, string>): Promise<AuthOutput> {
  const token = param(params, 'REFRESH_TOKEN');
  requireSecretHashPresent(deps, ctx.client, params.SECRET_HASH);
  // No rotation on this flow (only GetTokensFromRefreshToken rotates); DEVICE_KEY needs devices, not built yet.
  const { pool, user, session } = await redeemRefreshToken(deps, ctx.client, token);
  // The hash is over the internal username (§3.7); accept the other names too.
  checkSecretHash(deps, ctx.client, params.SECRET_HASH, secretHashNames(undefined, user));
  const result = await issueTokens(deps, { pool, client: ctx.client, user, session });
  const { RefreshToken: _dropped, ...rest } = result;
  return { ChallengeParameters: {}, AuthenticationResult: rest };
}

// ---------------------------------------------------------------------------------------------------------
// After the primary factor (§5.3 steps 6–10)

async function afterPrimaryFactor(deps: AuthDeps, ctx: AuthContext, user: UserRecord, given: string): Promise<AuthOutput> {
  // Step 6: a temporary password must be replaced first.
  if (user.status === 'FORCE_CHANGE_PASSWORD') {
    if (temporaryPasswordExpired(ctx.pool, user, deps.clock.now())) throw new NotAuthorizedException(MSG.tempExpired);
    return newPasswordChallenge(deps, ctx, user, given);
  }
  return completeSignIn(deps, ctx, user);
}

/**
 * Steps 7–10 once every password requirement is met.
 *
 * SEAM (remembered devices and MFA, §5.3 steps 7–8): this is where DEVICE_SRP_AUTH (a known DEVICE_KEY),
 * MFA_SETUP (MfaConfiguration ON, no usable factor), SELECT_MFA_TYPE (several factors, none preferred) and
 * SMS_MFA / SOFTWARE_TOKEN_MFA / EMAIL_OTP go: return {ChallengeName, Session: sealState(...), ChallengeParameters}
 * and answer it in respondToAuthChallenge, which then calls completeSignIn again with the factor done.
 * Until MFA exists a pool that requires it refuses sign-in rather than skip the second factor.
 * SEAM (triggers, steps 9–10): PostAuthentication and PreTokenGeneration run here, before issueTokens.
 */
async function completeSignIn(deps: AuthDeps, ctx: AuthContext, user: UserRecord): Promise<AuthOutput> {
  const mfa = (ctx.pool.settings as unknown as Partial<PoolSettings>).MfaConfiguration ?? 'OFF';
  if (mfa === 'ON') throw new InvalidUserPoolConfigurationException('Cognate does not implement MFA sign-in yet; this pool requires MFA.'); // ours
  const result = await issueTokens(deps, { pool: ctx.pool, client: ctx.client, user });
  // Cognito sends an empty ChallengeParameters map next to the tokens (§5.1).
  return { ChallengeParameters: {}, AuthenticationResult: result };
}

/** The attributes shown in NEW_PASSWORD_REQUIRED's userAttributes: all but sub and developer-only ones. */
function visibleAttributes(user: UserRecord): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(user.attributes)) if (!k.startsWith('dev:')) out[k] = v;
  return out;
}

function newPasswordChallenge(deps: AuthDeps, ctx: AuthContext, user: UserRecord, given: string): AuthOutput {
  const { required } = poolAttributes(ctx.pool);
  const missing = [...required].filter((a) => !user.attributes[a]).map((a) => `userAttributes.${a}`);
  return {
    ChallengeName: 'NEW_PASSWORD_REQUIRED',
    Session: sealState(deps, ctx, { username: user.username, given, challenge: 'NEW_PASSWORD_REQUIRED' }),
    ChallengeParameters: {
      USER_ID_FOR_SRP: user.username,
      requiredAttributes: JSON.stringify(missing),
      userAttributes: JSON.stringify(visibleAttributes(user)),
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// RespondToAuthChallenge / AdminRespondToAuthChallenge

export interface RespondInput {
  ChallengeName: string;
  Session?: string;
  ChallengeResponses?: Record<string, string>;
  ClientMetadata?: Record<string, string>;
}

export async function respondToAuthChallenge(deps: AuthDeps, ctx: AuthContext, input: RespondInput): Promise<AuthOutput> {
  const responses = input.ChallengeResponses ?? {};
  switch (input.ChallengeName) {
    case 'PASSWORD_VERIFIER':
      return passwordVerifier(deps, ctx, responses);
    case 'NEW_PASSWORD_REQUIRED':
      return newPassword(deps, ctx, input.Session, responses);
    default:
      // MFA, device, custom and choice-based challenges join here as they are built (see the seam above).
      throw new InvalidParameterException(`Cognate does not implement the ${input.ChallengeName} challenge yet.`); // ours
  }
}

/** USER_SRP_AUTH round 2 (§4.4): checks PASSWORD_CLAIM_SIGNATURE against the sealed SECRET_BLOCK. */
async function passwordVerifier(deps: AuthDeps, ctx: AuthContext, r: Record<string, string>): Promise<AuthOutput> {
  const name = param(r, 'USERNAME');
  const block = param(r, 'PASSWORD_CLAIM_SECRET_BLOCK');
  const signature = param(r, 'PASSWORD_CLAIM_SIGNATURE');
  const timestamp = param(r, 'TIMESTAMP');
  requireSecretHashPresent(deps, ctx.client, r.SECRET_HASH);
  const s = openState(deps, ctx, fromSecretBlock(block), 'PASSWORD_VERIFIER', MSG.incorrect);
  if (name !== s.username && name !== s.given) throw new NotAuthorizedException(MSG.incorrect);
  await consumeState(deps, s);
  const user = s.simulated ? null : await userByInternalName(deps, ctx.pool, s.username);
  checkSecretHash(deps, ctx.client, r.SECRET_HASH, secretHashNames(name, user));
  if (!user) {
    // A simulated challenge: do the work of a real check (same timing), then fail as a wrong password does.
    if (s.srp) {
      const { verifierHex } = await simulatedVerifier(deps, ctx.pool, s.username || s.given);
      startServerSession(verifierHex, s.srp.A, Buffer.from(s.srp.b, 'hex'));
    }
    throw new NotAuthorizedException(MSG.incorrect);
  }
  const hides = hidesUsers(ctx);
  if (!hides) assertUserMaySignIn(user);
  const attempt = await beginPasswordAttempt(deps, ctx.pool.id, user.username);
  const creds = openCredentials(deps, user);
  let ok = false;
  // AWS rejects a TIMESTAMP not in the client format (zero-padded day, wrong weekday) — measured, §4.4 step 6.
  if (creds.srpVerifierHex && s.srp && parseSrpTimestamp(timestamp)) {
    const { srpBHex } = startServerSession(creds.srpVerifierHex, s.srp.A, Buffer.from(s.srp.b, 'hex'));
    ok = verifyPasswordClaim({
      poolName: srpPoolName(ctx.pool.id),
      userIdForSrp: user.username,
      secretBlockB64: block,
      timestamp,
      srpAHex: s.srp.A,
      srpBHex,
      bHex: s.srp.b,
      verifierHex: creds.srpVerifierHex,
      signatureB64: signature,
    });
  }
  if (!ok) throw new NotAuthorizedException(MSG.incorrect);
  await attempt.succeeded();
  if (hides) assertUserMaySignIn(user);
  return afterPrimaryFactor(deps, ctx, user, s.given);
}

const ATTR_PREFIX = 'userAttributes.';

/** NEW_PASSWORD_REQUIRED: the new password (pool policy, history) and any required attributes; then on to tokens. */
async function newPassword(deps: AuthDeps, ctx: AuthContext, session: string | undefined, r: Record<string, string>): Promise<AuthOutput> {
  const s = openState(deps, ctx, session, 'NEW_PASSWORD_REQUIRED', MSG.sessionInvalid);
  const name = param(r, 'USERNAME');
  const password = param(r, 'NEW_PASSWORD');
  requireSecretHashPresent(deps, ctx.client, r.SECRET_HASH);
  let user = await userByInternalName(deps, ctx.pool, s.username);
  if (!user) throw new NotAuthorizedException(MSG.sessionInvalid);
  const names = secretHashNames(s.given, user);
  if (!names.includes(name)) throw new NotAuthorizedException(MSG.sessionInvalid);
  checkSecretHash(deps, ctx.client, r.SECRET_HASH, names);
  assertUserMaySignIn(user);
  if (user.status !== 'FORCE_CHANGE_PASSWORD') throw new NotAuthorizedException(MSG.sessionInvalid);

  const attributes = await applyChallengeAttributes(deps, ctx, user, r);
  checkPasswordPolicy(ctx.pool, password);
  const credentialsSealed = await newCredentials(deps, ctx.pool, user.username, password, user);
  await consumeState(deps, s);
  for (let attempt = 0; ; attempt++) {
    const now = deps.clock.now();
    const next: UserRecord = {
      ...user,
      attributes: { ...user.attributes, ...attributes },
      credentialsSealed,
      status: 'CONFIRMED',
      passwordSetAt: now,
      updatedAt: now,
      version: user.version + 1,
    };
    if (await deps.store.users.update(next)) {
      user = next;
      break;
    }
    // Another request changed the user meanwhile: apply to the fresh record if it still awaits a new password.
    const fresh = await userByInternalName(deps, ctx.pool, s.username);
    if (!fresh || fresh.status !== 'FORCE_CHANGE_PASSWORD' || attempt >= 3) throw new NotAuthorizedException(MSG.sessionInvalid);
    user = fresh;
  }
  await clearFailedSignIns(deps, ctx.pool.id, user.username);
  return completeSignIn(deps, ctx, user);
}

/**
 * The `userAttributes.<name>` responses of NEW_PASSWORD_REQUIRED. Only attributes of the pool, never sub or
 * one that already has a value ("Cannot modify an already provided email" — observed, as NotAuthorizedException);
 * every required attribute must have a value afterwards ("Invalid attributes given, name is missing" — observed).
 * Otherwise checked as UpdateUserAttributes checks an app client's request (attribute-updates.ts): the client's
 * WriteAttributes and never the *_verified flags or developer-only attributes, the schema's constraints and the
 * email / phone formats; a new email / phone number is unverified, and must not be another user's verified alias
 * nor, in a UsernameAttributes pool, another user's value (AliasExistsException).
 */
async function applyChallengeAttributes(deps: AuthDeps, ctx: AuthContext, user: UserRecord, r: Record<string, string>): Promise<Record<string, string>> {
  const pool = ctx.pool;
  const { names, required } = poolAttributes(pool);
  const given: { Name: string; Value: string }[] = [];
  for (const [k, v] of Object.entries(r)) {
    if (!k.startsWith(ATTR_PREFIX)) continue;
    const attr = k.slice(ATTR_PREFIX.length);
    if (!names.has(attr) || attr === 'sub') throw new InvalidParameterException(`Attribute does not exist in the schema.`); // wording from UpdateUserAttributes (rep)
    given.push({ Name: attr, Value: v });
  }
  checkClientWritable(ctx.client, given.map((a) => a.Name));
  for (const { Name } of given) if (user.attributes[Name]) throw new NotAuthorizedException(`Cannot modify an already provided ${Name}`);
  // Values: as UpdateUserAttributes validates them (planAttributeChange → adminUserAttributes: SignUp's checks with
  // nothing required; admin-users.ts itself is not imported here, it imports this module).
  const s = poolSettings(pool);
  const relaxed = { ...pool, settings: { ...s, SchemaAttributes: s.SchemaAttributes.map((a) => ({ ...a, Required: false })) } } as unknown as PoolRecord;
  const out = newUserAttributes(relaxed, ctx.client, { given: given.filter((a) => a.Value !== '') });
  for (const a of required)
    if (!user.attributes[a] && !out[a]) throw new InvalidParameterException(`Invalid attributes given, ${a} is missing`);
  const usernameAttributes = (s.UsernameAttributes ?? []) as string[];
  for (const attr of ['email', 'phone_number'] as const) {
    const value = out[attr];
    if (value === undefined) continue;
    out[`${attr}_verified`] = 'false';
    await claimAlias(deps, pool, user, attr, value, false);
    if (usernameAttributes.includes(attr)) {
      const holders = await deps.store.users.findByAttribute(pool.id, attr, value, attr === 'email' || isCaseInsensitive(pool));
      if (holders.some((u) => u.usernameKey !== user.usernameKey)) throw new AliasExistsException(`An account with the ${attr} already exists.`);
    }
  }
  return out;
}
