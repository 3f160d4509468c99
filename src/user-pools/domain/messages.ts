// Verification messages: which attribute gets the code, the pool's templates with their placeholders, the masked
// CodeDeliveryDetails Cognito answers with, and sending through the delivery port.
import type { Deps } from '../../deps.ts';
import type { DeliveryResult } from '../../runtime/delivery.ts';
import type { PoolRecord } from '../../storage/records.ts';
import type { IssuedCode } from './codes.ts';
import { CodeDeliveryFailureException } from '../errors.ts';
import type { CodeDeliveryDetailsType } from '../shapes.ts';
import { poolSettings } from './pools.ts';
import { customMessageTemplates, type MessageTrigger } from '../triggers/custom-message.ts';
import { customSender, invokeCustomSender } from '../triggers/custom-sender.ts';

/**
 * Cognito's texts for a pool that sets none: DescribeUserPool shows `"SmsVerificationMessage": "Your verification
 * code is {####}. "` (aws-cli examples/cognito-idp/describe-user-pool.rst), and the email defaults are the same
 * body with the subject "Your verification code" (the console's pre-filled template; terraform exports of default
 * pools show these three values).
 */
export const DEFAULT_EMAIL_SUBJECT = 'Your verification code';
export const DEFAULT_EMAIL_MESSAGE = 'Your verification code is {####}. ';
export const DEFAULT_SMS_MESSAGE = 'Your verification code is {####}. ';

export const CODE_PLACEHOLDER = '{####}';
export const USERNAME_PLACEHOLDER = '{username}';

export type DeliveryMedium = 'EMAIL' | 'SMS';

/** Where a verification code goes: the attribute, its medium and the raw address. */
export interface VerificationTarget {
  attribute: 'email' | 'phone_number';
  medium: DeliveryMedium;
  to: string;
}

/**
 * The attribute a sign-up (or resend) code goes to: one the pool lists in AutoVerifiedAttributes and the user has.
 * With both email and phone_number auto-verified and present, Cognito sends the code by SMS only ("If a user signs
 * up with both a phone number and an email address, and your user pool settings require verification of both
 * attributes, a verification code is sent via SMS to the phone", Cognito developer guide; also the CDK's
 * AutoVerifiedAttrs note). Null when no code is sent.
 */
export function verificationTarget(pool: PoolRecord, attributes: Record<string, string>): VerificationTarget | null {
  const auto = poolSettings(pool).AutoVerifiedAttributes ?? [];
  const phone = attributes.phone_number;
  const email = attributes.email;
  if (auto.includes('phone_number') && phone) return { attribute: 'phone_number', medium: 'SMS', to: phone };
  if (auto.includes('email') && email) return { attribute: 'email', medium: 'EMAIL', to: email };
  return null;
}

/**
 * Destinations as Cognito masks them: `e***@g***.com` for an email (first character of the local part and of the
 * domain, then the domain's last label; observed in SignUp answers), `+********4114` for a phone number (the last
 * four digits; observed).
 */
export function maskDestination(medium: DeliveryMedium, value: string): string {
  if (medium === 'SMS') return `+********${value.replace(/\D/g, '').slice(-4)}`;
  const at = value.lastIndexOf('@');
  const local = at < 0 ? value : value.slice(0, at);
  const domain = at < 0 ? '' : value.slice(at + 1);
  const dot = domain.lastIndexOf('.');
  const tail = dot > 0 ? domain.slice(dot) : '';
  return `${local.slice(0, 1)}***@${domain.slice(0, 1)}***${tail}`;
}

export function codeDeliveryDetails(target: VerificationTarget): CodeDeliveryDetailsType {
  return { Destination: maskDestination(target.medium, target.to), DeliveryMedium: target.medium, AttributeName: target.attribute };
}

/** Fills `{####}` with the code and, when a username is given, `{username}` with it. */
export function fillTemplate(template: string, values: { code: string; username?: string }): string {
  let out = template.split(CODE_PLACEHOLDER).join(values.code);
  if (values.username !== undefined) out = out.split(USERNAME_PLACEHOLDER).join(values.username);
  return out;
}

export interface VerificationTemplates {
  emailSubject: string;
  emailMessage: string;
  smsMessage: string;
}

/**
 * The pool's verification templates: VerificationMessageTemplate first, then the legacy EmailVerificationMessage,
 * EmailVerificationSubject and SmsVerificationMessage, then Cognito's defaults.
 *
 * DefaultEmailOption CONFIRM_WITH_LINK (EmailMessageByLink with a `{##Verify Email##}` link to the hosted UI's
 * /confirmUser) is not served yet: such pools get the code message, which ConfirmSignUp accepts the same way.
 */
export function verificationTemplates(pool: PoolRecord): VerificationTemplates {
  const s = poolSettings(pool);
  const t = s.VerificationMessageTemplate ?? {};
  return {
    emailSubject: t.EmailSubject ?? s.EmailVerificationSubject ?? DEFAULT_EMAIL_SUBJECT,
    emailMessage: t.EmailMessage ?? s.EmailVerificationMessage ?? DEFAULT_EMAIL_MESSAGE,
    smsMessage: t.SmsMessage ?? s.SmsVerificationMessage ?? DEFAULT_SMS_MESSAGE,
  };
}

/**
 * The verification message for `code`. `{username}` is left as it is: Cognito fills it only in invitation
 * (AdminCreateUser) messages, and verification emails carry it literally (aws/aws-cdk#7597).
 */
export function verificationMessage(
  pool: PoolRecord,
  target: VerificationTarget,
  code: string,
  t: VerificationTemplates = verificationTemplates(pool),
): { subject?: string; body: string } {
  if (target.medium === 'SMS') return { body: fillTemplate(t.smsMessage, { code }) };
  return { subject: t.emailSubject, body: fillTemplate(t.emailMessage, { code }) };
}

/**
 * Sends a verification code to the target through the delivery port (kept in the outbox, until the code expires, when
 * no transport delivered it). With `trigger` (why and to whom), the pool's CustomMessage function may rewrite the
 * message first — unless the pool has a custom sender for the medium: then the code goes, encrypted, to that function
 * only (no message is sent or kept, and CustomMessage is not run).
 */
export async function sendVerificationCode(
  deps: Pick<Deps, 'delivery' | 'triggers' | 'config' | 'logger' | 'admin'>,
  pool: PoolRecord,
  target: VerificationTarget,
  code: IssuedCode,
  trigger?: MessageTrigger,
): Promise<DeliveryResult> {
  const sender = trigger ? customSender(pool, target.medium) : null;
  if (sender && trigger) {
    await invokeCustomSender(deps, pool, sender, trigger, code.code);
    return { delivered: true };
  }
  const templates = trigger ? await customMessageTemplates(deps, pool, trigger, verificationTemplates(pool)) : undefined;
  const m = verificationMessage(pool, target, code.code, templates);
  return deps.delivery.send({
    poolId: pool.id,
    channel: target.medium === 'SMS' ? 'sms' : 'email',
    to: target.to,
    subject: m.subject,
    body: m.body,
    expiresAt: code.expiresAt,
  });
}

/**
 * CodeDeliveryFailureException as Cognito words it when the mail or SMS could not be sent: "Invalid email
 * provided/Unable to send the email" (observed on SignUp, amazon-cognito-identity-js#307); the SMS wording follows
 * Cognito's "Invalid phone number provided/Unable to send the message." (observed with a further sentence on why).
 */
export function deliveryFailure(target: VerificationTarget): Error {
  return new CodeDeliveryFailureException(
    target.medium === 'SMS' ? 'Invalid phone number provided/Unable to send the message.' : 'Invalid email provided/Unable to send the email',
  );
}
