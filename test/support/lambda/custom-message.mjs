// Custom message: a branded text for every source; clientMetadata.placeholders = "none" answers texts without the
// code placeholder (which Cognito cannot use).
export const handler = async (event) => {
  (globalThis.__lambdaEvents ??= []).push(event);
  const { codeParameter, usernameParameter } = event.request;
  const withCode = event.request.clientMetadata?.placeholders !== 'none';
  const who = usernameParameter ?? event.userName;
  const code = withCode ? codeParameter : 'nothing';
  event.response.emailSubject = `Brand: ${event.triggerSource}`;
  event.response.emailMessage = `Hello ${who}, your code for ${event.triggerSource} is ${code}.`;
  event.response.smsMessage = `Brand ${event.triggerSource}: ${code}`;
  return event;
};
