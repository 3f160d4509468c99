// ForgotPassword: a password-reset code to the user's verified email or phone number, as AccountRecoverySetting picks.
import { defineOperation } from '../../protocol/operation.ts';
import { codeDeliveryDetails, deliveryFailure } from '../domain/messages.ts';
import {
  adminOnlyPool,
  adminOnlyRecovery,
  deliverAfterAnswer,
  limitForgotPassword,
  noVerifiedContact,
  recoveryRefusal,
  recoveryTarget,
  simulatedRecoveryDelivery,
} from '../domain/recovery.ts';
import { issueAndSendResetCode } from '../domain/admin-users.ts';
import { UserNotFoundException } from '../errors.ts';
import { publicClient, unknownUserForClient } from '../domain/sign-up.ts';
import { findUserBySignInName, signInNameKey } from '../domain/users.ts';
import { callerOf } from '../triggers/common.ts';
import { MIGRATION_FAILED, migrateUser, runUserMigration } from '../triggers/user-migration.ts';
import type { ForgotPasswordRequest, ForgotPasswordResponse } from '../shapes.ts';
import { checkSecretHash, secretHashNames } from '../domain/secret-hash.ts';
import { hidesUsers } from '../domain/clients.ts';

export default defineOperation<ForgotPasswordRequest, ForgotPasswordResponse>({
  service: 'cognito-idp',
  name: 'ForgotPassword',
  auth: 'none',
  async handle(input, deps, ctx) {
    const { client, pool } = await publicClient(deps, input.ClientId);
    // The pool's setting, not the user's: refused alike whether or not the name exists.
    if (adminOnlyPool(pool)) throw adminOnlyRecovery();
    // "For the Username parameter, you can use the username or an email, phone, or preferred username alias."
    let user = await findUserBySignInName(deps, pool, input.Username);
    checkSecretHash(deps, client, input.SecretHash, secretHashNames(input.Username, user));
    const caller = callerOf(ctx, client.id);
    // A hiding client answers a user it cannot reset like one it can, and sends nothing (developer guide,
    // "Managing user existence error responses": not found, disabled, or no verified delivery mechanism).
    const simulated = () => ({ CodeDeliveryDetails: simulatedRecoveryDelivery(pool, input.Username) });
    const hide = hidesUsers(client);
    // A hiding client counts the request before anything depends on whether the name is a user's that can be reset:
    // names nobody has reach the hourly limit as real users do. A user's count is theirs whichever name or spelling
    // asked; a name nobody has counts as the lookup folds it. (After the SECRET_HASH check, so a caller without the
    // secret cannot use up a user's requests.)
    if (hide) await limitForgotPassword(deps, pool.id, user ? user.usernameKey : signInNameKey(pool, input.Username));
    // A name the pool does not know goes to the UserMigration function (no password in the event); a user it answers
    // is created RESET_REQUIRED and gets the reset code like any other.
    if (!user) {
      const answer = await runUserMigration(deps, pool, {
        source: 'UserMigration_ForgotPassword',
        userName: input.Username,
        caller,
        clientMetadata: input.ClientMetadata,
      }).catch((e: unknown) => {
        // A function that does not know the name makes it unknown: a hiding client answers as for any such name.
        if (hide && e instanceof UserNotFoundException) return null;
        throw e;
      });
      if (answer) {
        // Created only if the reset can go on for them (a verified contact to send the code to); an answer Cognate
        // cannot store fails the migration (the detail is logged). Either way nothing is stored then.
        const noContact = new Error('no verified contact');
        try {
          user = await migrateUser(deps, pool, input.Username, answer, {
            accept: (u) => {
              if (!recoveryTarget(pool, u)) throw noContact;
            },
          });
        } catch (e) {
          if (hide) return simulated();
          if (e === noContact) throw noVerifiedContact();
          deps.logger.warn('user migration answer refused', { poolId: pool.id, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
          throw new UserNotFoundException(MIGRATION_FAILED(client.id));
        }
      }
    }
    if (!user) {
      if (hide) return simulated();
      throw unknownUserForClient(); // "Username/client id combination not found." (observed, amplify-js#11270)
    }
    const refusal = recoveryRefusal(user);
    if (refusal) {
      if (hide) return simulated();
      throw refusal;
    }
    const target = recoveryTarget(pool, user);
    if (target === 'admin_only') throw adminOnlyRecovery();
    if (!hide) await limitForgotPassword(deps, pool.id, user.usernameKey);
    if (!target) {
      if (hide) return simulated();
      throw noVerifiedContact();
    }
    // UNCONFIRMED users rarely have a verified address (so they get the error above, as observed in
    // aws/aws-sdk-net#1984); one that has gets a code, and ConfirmForgotPassword confirms them (inferred).
    const issueAndSend = () => issueAndSendResetCode(deps, pool, user, target, caller, input.ClientMetadata);
    if (hide) {
      // Answered before the code is stored or sent: up to a hiding client's answer every name costs the same (the
      // limit's counter write), whether or not it is a user's that can be reset, so neither the time nor the store
      // tells. The code and the message follow the answer; a failed send is in the outbox and the log, and the answer
      // does not tell it (it would tell that the user exists).
      deliverAfterAnswer(deps, issueAndSend, { operation: 'ForgotPassword', poolId: pool.id, channel: target.medium });
      return { CodeDeliveryDetails: codeDeliveryDetails(target) };
    }
    const sent = await issueAndSend();
    if (sent.error) throw deliveryFailure(target);
    // UserContextData and AnalyticsMetadata feed threat protection, not run yet.
    return { CodeDeliveryDetails: codeDeliveryDetails(target) };
  },
});
