// Custom message trigger (CustomMessage_SignUp, _AdminCreateUser, _ResendCode, _ForgotPassword, _UpdateUserAttribute,
// _VerifyUserAttribute, _Authentication): before Cognito sends a code, the function may replace the email subject,
// email body and SMS text. The texts keep placeholders ({####}, and {username} in invitations) that Cognito fills.
import type { Deps } from '../../deps.ts';
import type { PoolRecord, UserRecord } from '../../storage/records.ts';
import { invokeTrigger, stringMember, triggerArn, triggerEvent, triggerUserAttributes, type StringMap, type TriggerCaller } from './common.ts';

export type CustomMessageSource =
  | 'CustomMessage_SignUp'
  | 'CustomMessage_AdminCreateUser'
  | 'CustomMessage_ResendCode'
  | 'CustomMessage_ForgotPassword'
  | 'CustomMessage_UpdateUserAttribute'
  | 'CustomMessage_VerifyUserAttribute'
  | 'CustomMessage_Authentication';

/** Why a message is sent and to whom: what the operation passes down to the message it sends. */
export interface MessageTrigger {
  source: CustomMessageSource;
  user: Pick<UserRecord, 'username' | 'sub' | 'status' | 'attributes'>;
  caller: TriggerCaller;
  clientMetadata?: StringMap;
}

export interface MessageTemplates {
  emailSubject: string;
  emailMessage: string;
  smsMessage: string;
}

/** The placeholders the event names (developer guide, custom message trigger parameters). */
export const CODE_PARAMETER = '{####}';
export const LINK_PARAMETER = '{##Click Here##}';
export const USERNAME_PARAMETER = '{username}';

export function customMessageEvent(pool: PoolRecord, t: MessageTrigger) {
  const invite = t.source === 'CustomMessage_AdminCreateUser';
  return triggerEvent(
    pool,
    t.source,
    t.user.username,
    t.caller,
    {
      userAttributes: triggerUserAttributes(pool, t.user),
      codeParameter: CODE_PARAMETER,
      linkParameter: LINK_PARAMETER,
      usernameParameter: invite ? USERNAME_PARAMETER : null,
      clientMetadata: t.clientMetadata ?? null,
    },
    { smsMessage: null, emailMessage: null, emailSubject: null },
  );
}

/**
 * The templates to send with: the function's emailSubject / emailMessage / smsMessage where it answers them, else the
 * pool's. A body without the code placeholder (and, in an invitation, without {username}) cannot carry the code:
 * Cognito then sends its own message (reported: bodies it cannot use revert to the default, amazon-cognito-identity-js
 * #396); we send the pool's template for that medium (ours). Without a CustomMessage function the pool's templates
 * are returned unchanged and nothing is invoked.
 */
export async function customMessageTemplates(
  deps: Pick<Deps, 'triggers'>,
  pool: PoolRecord,
  t: MessageTrigger,
  templates: MessageTemplates,
): Promise<MessageTemplates> {
  if (!triggerArn(pool, 'CustomMessage')) return templates;
  const r = await invokeTrigger(deps, pool, 'CustomMessage', customMessageEvent(pool, t));
  if (!r) return templates;
  const invite = t.source === 'CustomMessage_AdminCreateUser';
  const usable = (body: string | undefined) => body !== undefined && body.includes(CODE_PARAMETER) && (!invite || body.includes(USERNAME_PARAMETER));
  const emailMessage = stringMember(r, 'emailMessage');
  const smsMessage = stringMember(r, 'smsMessage');
  const emailSubject = stringMember(r, 'emailSubject');
  return {
    emailSubject: emailSubject ?? templates.emailSubject,
    emailMessage: usable(emailMessage) ? emailMessage! : templates.emailMessage,
    smsMessage: usable(smsMessage) ? smsMessage! : templates.smsMessage,
  };
}
