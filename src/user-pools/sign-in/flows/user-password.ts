// USER_PASSWORD_AUTH and ADMIN_USER_PASSWORD_AUTH (= ADMIN_NO_SRP_AUTH): the password in the request (§5.1).
import { findUserBySignInName } from '../../domain/users.ts';
import { checkSecretHash, requireSecretHashPresent, secretHashNames } from '../../domain/secret-hash.ts';
import { param, type AuthContext, type AuthDeps, type AuthOutput } from '../context.ts';
import { afterPrimaryFactor, checkPrimaryFactor, knownDevice, migrateOnSignIn, passwordMatches, preAuthentication, unknownUser } from '../steps.ts';

export async function userPasswordAuth(deps: AuthDeps, ctx: AuthContext, params: Record<string, string>): Promise<AuthOutput> {
  const name = param(params, 'USERNAME');
  const password = param(params, 'PASSWORD');
  requireSecretHashPresent(deps, ctx.client, params.SECRET_HASH);
  const found = await findUserBySignInName(deps, ctx.pool, name);
  checkSecretHash(deps, ctx.client, params.SECRET_HASH, secretHashNames(name, found));
  // Step 2: a name the pool does not know may be migrated from the old directory with this password.
  const user = found ?? (await migrateOnSignIn(deps, ctx, name, password));
  const deviceKey = await knownDevice(deps, ctx, user, params.DEVICE_KEY);
  if (!user) return unknownUser(deps, ctx, name, password);
  await preAuthentication(deps, ctx, user, name);
  const attempt = await checkPrimaryFactor(deps, ctx, user, () => passwordMatches(deps, user, password));
  return afterPrimaryFactor(deps, ctx, user, name, attempt, deviceKey);
}
