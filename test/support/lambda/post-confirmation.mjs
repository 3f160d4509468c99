// Post confirmation: records the confirmation; fails when the client asks it to (clientMetadata.fail).
export const handler = async (event) => {
  (globalThis.__lambdaEvents ??= []).push(event);
  if (event.request.clientMetadata?.fail) throw new Error(`cannot welcome ${event.userName}`);
  return event;
};
