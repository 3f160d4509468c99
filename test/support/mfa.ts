// Test support for MFA: users with a permanent password made through the SDK, real TOTP codes, moving to the next
// TOTP step on the server's clock, and the newest code sent to an address (the open --dev outbox).
import assert from 'node:assert/strict';
import { AdminCreateUserCommand, AdminSetUserPasswordCommand, type CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { Secret, TOTP } from 'otpauth';
import type { FixedClock } from '../../src/runtime/clock.ts';

/** AdminCreateUser (no invitation) and a permanent password: a CONFIRMED user. */
export async function createConfirmedUser(
  idp: CognitoIdentityProviderClient,
  UserPoolId: string,
  Username: string,
  Password: string,
  attributes: Record<string, string> = {},
): Promise<void> {
  await idp.send(
    new AdminCreateUserCommand({
      UserPoolId,
      Username,
      MessageAction: 'SUPPRESS',
      UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })),
    }),
  );
  await idp.send(new AdminSetUserPasswordCommand({ UserPoolId, Username, Password, Permanent: true }));
}

/** The TOTP code of a base32 secret at `at` (SHA-1, 6 digits, 30 s). */
export const totpCode = (secret: string, at: number) =>
  new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp: at });

/** Moves the clock to just after the start of the next 30-second step (a new TOTP code). */
export const nextTotpStep = (clock: FixedClock) => clock.set((Math.floor(clock.now() / 30_000) + 1) * 30_000 + 1_000);

/** The code in the newest message to `to`, with its body and subject, from the (open, --dev) outbox. */
export async function codeSentTo(url: string, to: string): Promise<{ code: string; body: string; subject: string | null }> {
  const res = await fetch(`${url}/_cognate/outbox?to=${encodeURIComponent(to)}`);
  const m = ((await res.json()) as { messages: { body: string; subject: string | null }[] }).messages[0];
  assert.ok(m, `a message to ${to}`);
  return { code: /\d{6}/.exec(m.body)![0], body: m.body, subject: m.subject };
}
