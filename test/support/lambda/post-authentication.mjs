// Post authentication: records who signed in (here, in the event log the tests read).
export const handler = async (event) => {
  (globalThis.__lambdaEvents ??= []).push(event);
  return event;
};
