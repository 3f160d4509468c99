// Pre sign-up, callback style: only addresses of example.com may sign up (the developer guide's "registered domain"
// example, refusing the others).
export const handler = (event, context, callback) => {
  (globalThis.__lambdaEvents ??= []).push(event);
  const email = event.request.userAttributes.email ?? '';
  if (!email.endsWith('@example.com')) {
    callback(new Error('Email domain not allowed'), event);
    return;
  }
  callback(null, event);
};
