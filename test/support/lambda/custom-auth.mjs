// A custom authentication handler set after AWS's documentation (developer guide, "Custom authentication challenge
// Lambda triggers" examples, and the passwordless "secret login code" sample): DefineAuthChallenge asks for the
// password by SRP when the client starts with SRP_A, then issues CUSTOM_CHALLENGE up to three times and tokens once one
// is answered right; CreateAuthChallenge makes a secret login code ("delivered" into globalThis.__customAuthCodes,
// keyed by userName, as the sample emails it) and keeps it across retries through challengeMetadata;
// VerifyAuthChallengeResponse compares the answer. Every event is pushed to globalThis.__lambdaEvents.
import { randomInt } from 'node:crypto';

const record = (event) => (globalThis.__lambdaEvents ??= []).push(JSON.parse(JSON.stringify(event)));

export const define = async (event) => {
  record(event);
  const session = event.request.session;
  const last = session.at(-1);
  const customRounds = session.filter((c) => c.challengeName === 'CUSTOM_CHALLENGE');
  if (last && last.challengeName === 'SRP_A') {
    event.response.issueTokens = false;
    event.response.failAuthentication = false;
    event.response.challengeName = 'PASSWORD_VERIFIER';
  } else if (session.some((c) => c.challengeName === 'PASSWORD_VERIFIER' && !c.challengeResult)) {
    event.response.issueTokens = false;
    event.response.failAuthentication = true;
  } else if (last && last.challengeName === 'CUSTOM_CHALLENGE' && last.challengeResult === true) {
    event.response.issueTokens = true;
    event.response.failAuthentication = false;
  } else if (customRounds.length >= 3) {
    event.response.issueTokens = false;
    event.response.failAuthentication = true;
  } else {
    event.response.issueTokens = false;
    event.response.failAuthentication = false;
    event.response.challengeName = 'CUSTOM_CHALLENGE';
  }
  return event;
};

export const create = async (event) => {
  record(event);
  let secretLoginCode;
  const previous = event.request.session.filter((c) => c.challengeName === 'CUSTOM_CHALLENGE').at(-1);
  if (!previous) {
    secretLoginCode = String(randomInt(0, 1_000_000)).padStart(6, '0');
    (globalThis.__customAuthCodes ??= {})[event.userName] = secretLoginCode; // "sent by email"
  } else {
    secretLoginCode = /CODE-(\d*)/.exec(previous.challengeMetadata)[1];
  }
  event.response.publicChallengeParameters = { email: event.request.userAttributes.email ?? '' };
  event.response.privateChallengeParameters = { secretLoginCode };
  event.response.challengeMetadata = `CODE-${secretLoginCode}`;
  return event;
};

export const verify = async (event) => {
  record(event);
  const expected = event.request.privateChallengeParameters.secretLoginCode;
  event.response.answerCorrect = expected === event.request.challengeAnswer;
  return event;
};

/** A DefineAuthChallenge that decides nothing (no issueTokens, failAuthentication or challengeName). */
export const silent = async (event) => {
  record(event);
  return event;
};
