// Pre sign-up: auto-confirm and auto-verify all users — the example in the Amazon Cognito developer guide
// ("Pre sign-up example: Auto-confirm and auto-verify all users"), as a Node.js Lambda handler.
export const handler = async (event) => {
  // Confirm the user
  event.response.autoConfirmUser = true;
  // Set the email as verified if it is in the request
  if (Object.hasOwn(event.request.userAttributes, 'email')) {
    event.response.autoVerifyEmail = true;
  }
  // Set the phone number as verified if it is in the request
  if (Object.hasOwn(event.request.userAttributes, 'phone_number')) {
    event.response.autoVerifyPhone = true;
  }
  (globalThis.__lambdaEvents ??= []).push(event);
  return event;
};
