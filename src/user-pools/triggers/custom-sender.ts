// Custom sender triggers (CustomEmailSender_*, CustomSMSSender_*): with LambdaConfig.CustomEmailSender or
// CustomSMSSender {LambdaVersion V1_0, LambdaArn}, Cognito hands every code or temporary password of that medium to
// the function instead of sending the message itself, encrypted with the AWS Encryption SDK under the pool's
// KMSKeyID (developer guide, "Custom sender Lambda triggers"). The function sends the message; Cognito invokes it
// asynchronously and reads no answer, so its failures never reach the caller.
import type { Deps } from '../../deps.ts';
import { encryptorFor } from '../../runtime/code-encryption.ts';
import type { PoolRecord } from '../../storage/records.ts';
import { UnexpectedLambdaException } from '../errors.ts';
import { poolSettings } from '../domain/pools.ts';
import { LAMBDA_MSG, triggerEvent, triggerUserAttributes } from './common.ts';
import type { MessageTrigger } from './custom-message.ts';

export type SenderTrigger = 'CustomEmailSender' | 'CustomSMSSender';

/** The custom sender a pool runs for a medium, with the KMS key its codes are encrypted for; null when none. */
export function customSender(pool: PoolRecord, medium: 'EMAIL' | 'SMS'): { name: SenderTrigger; arn: string; kmsKeyId: string | undefined } | null {
  const lc = poolSettings(pool).LambdaConfig ?? {};
  const name: SenderTrigger = medium === 'SMS' ? 'CustomSMSSender' : 'CustomEmailSender';
  const arn = lc[name]?.LambdaArn;
  return arn ? { name, arn, kmsKeyId: lc.KMSKeyID } : null;
}

/**
 * The event (@types/aws-lambda custom-email-sender.d.ts / custom-sms-sender.d.ts): the common envelope without a
 * `response`, `triggerSource` the CustomMessage source's suffix on the sender's name (CustomEmailSender_SignUp, …),
 * `request {type: "customEmailSenderRequestV1" | "customSMSSenderRequestV1", code, userAttributes, clientMetadata}`.
 */
export function customSenderEvent(pool: PoolRecord, name: SenderTrigger, t: MessageTrigger, code: string) {
  const source = `${name}_${t.source.slice('CustomMessage_'.length)}`;
  const request = {
    type: name === 'CustomSMSSender' ? 'customSMSSenderRequestV1' : 'customEmailSenderRequestV1',
    code,
    userAttributes: triggerUserAttributes(pool, t.user),
    clientMetadata: t.clientMetadata ?? {},
  };
  const { response: _none, ...event } = triggerEvent(pool, source, t.user.username, t.caller, request, {});
  return event;
}

/**
 * Gives `secret` (a code, or an invitation's temporary password), encrypted, to the pool's custom sender for
 * `medium`. Without a key configured for the pool's KMSKeyID nothing is invoked: UnexpectedLambdaException
 * "CustomEmailSender invocation failed due to configuration." (ours; Cognito cannot name a key it has no use of). The
 * invocation itself runs in the background, as Cognito's asynchronous one: a failure is logged by the runner only.
 */
export async function invokeCustomSender(
  deps: Pick<Deps, 'triggers' | 'config' | 'logger' | 'admin'>,
  pool: PoolRecord,
  sender: NonNullable<ReturnType<typeof customSender>>,
  t: MessageTrigger,
  secret: string,
): Promise<void> {
  let code: string | null = null;
  try {
    if (sender.kmsKeyId) code = await encryptorFor(deps.config, deps.admin).encrypt(sender.kmsKeyId, secret);
  } catch (e) {
    // KMS refused or could not be reached: said in the log; the caller gets what a missing key gets.
    deps.logger.warn('custom sender not invoked: the KMS API failed', { poolId: pool.id, kmsKeyId: sender.kmsKeyId, error: (e as Error).message });
    throw new UnexpectedLambdaException(LAMBDA_MSG.notConfigured(sender.name));
  }
  if (!code) {
    deps.logger.warn('custom sender not invoked: no COGNATE_SENDER_KEYS entry (nor COGNATE_KMS_ENDPOINT) for the pool\'s KMSKeyID', {
      poolId: pool.id,
      kmsKeyId: sender.kmsKeyId ?? null,
    });
    throw new UnexpectedLambdaException(LAMBDA_MSG.notConfigured(sender.name));
  }
  const event = customSenderEvent(pool, sender.name, t, code);
  void deps.triggers.invoke(sender.arn, event, { invocationType: 'Event' }).catch(() => {
    // Logged by the runner (arn, kind, detail); Cognito does not answer the caller with a custom sender's failure.
  });
}
