// Pre authentication: refuse users named blocked-*, callback style (as older Lambda handlers are written).
export const handler = (event, context, callback) => {
  (globalThis.__lambdaEvents ??= []).push(event);
  if (event.userName.startsWith('blocked-')) {
    callback(new Error('This user may not sign in'), event);
    return;
  }
  callback(null, event);
};
