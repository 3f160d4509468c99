// Cognito Sync trigger: records the event; caps "score" at 100, drops "secret" (not written), removes "banned" and
// adds "lastSync" — the changes a SyncTrigger may make to the records before they are stored.
export const handler = async (event) => {
  (globalThis.__lambdaEvents ??= []).push(structuredClone(event));
  const records = event.datasetRecords;
  for (const [key, r] of Object.entries(records)) {
    if (key === 'score' && r.op === 'replace') r.newValue = String(Math.min(Number(r.newValue), 100));
    if (key === 'secret') delete records[key];
    if (key === 'banned') r.newValue = null;
  }
  records.lastSync = { newValue: `by-trigger:${event.datasetName}`, op: 'replace' };
  return event;
};

// Refuses every change (the update is rejected).
export const reject = async () => {
  throw new Error('cheating detected');
};

// Answers something that is not the event.
export const garbage = async () => 'not an event';
