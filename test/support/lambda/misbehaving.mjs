// Handlers that go wrong in the ways the runner must report.
export const slow = () => new Promise((resolve) => setTimeout(resolve, 10_000).unref());
export const nothing = async () => undefined;
export const callbackError = (event, context, callback) => callback('plain string failure');
export const syncThrow = () => {
  throw new TypeError('kaput');
};
export const contextInfo = async (event, context) => ({
  functionName: context.functionName,
  awsRequestId: context.awsRequestId,
  remaining: context.getRemainingTimeInMillis(),
  waits: context.callbackWaitsForEmptyEventLoop,
});
export const legacyDone = (event, context) => context.succeed({ legacy: true });
