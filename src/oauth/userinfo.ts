// What /oauth2/userInfo tells of a user, by the access token's scopes (COGNITO-API §7.3): openid gives sub and
// username; email gives email and email_verified; phone gives phone_number and phone_number_verified; profile every
// readable standard attribute; aws.cognito.signin.user.admin every readable attribute, custom ones too. Values stay the
// strings they are stored as (`"email_verified":"true"`, as observed); developer-only attributes never appear.
import type { ClientRecord, UserRecord } from '../storage/records.ts';
import { ADMIN_SCOPE, readableAttributes } from '../user-pools/sign-in/issue-tokens.ts';

const BY_SCOPE: Record<string, readonly string[]> = {
  email: ['email', 'email_verified'],
  phone: ['phone_number', 'phone_number_verified'],
};

export function userInfoOf(user: UserRecord, client: ClientRecord | null, scopes: readonly string[]): Record<string, string> {
  const readable = client ? readableAttributes(client) : null;
  const wanted = (name: string) => {
    if (name === 'sub' || name.startsWith('dev:')) return false;
    if (readable && !readable.has(name)) return false;
    if (scopes.includes(ADMIN_SCOPE)) return true;
    if (scopes.includes('profile') && !name.startsWith('custom:')) return true;
    return scopes.some((s) => BY_SCOPE[s]?.includes(name));
  };
  const out: Record<string, string> = { sub: user.sub };
  for (const [name, value] of Object.entries(user.attributes)) if (wanted(name)) out[name] = value;
  out.username = user.username;
  return out;
}
