// User migration: the old directory knows legacy@example.com; everyone else is unknown.
export const handler = async (event) => {
  (globalThis.__lambdaEvents ??= []).push(event);
  if (event.userName !== 'legacy@example.com' && event.userName !== 'legacy') throw new Error('Bad password');
  event.response.userAttributes = { email: 'legacy@example.com', email_verified: 'true', given_name: 'Old' };
  event.response.messageAction = 'SUPPRESS';
  if (event.triggerSource === 'UserMigration_Authentication') event.response.finalUserStatus = 'CONFIRMED';
  return event;
};
