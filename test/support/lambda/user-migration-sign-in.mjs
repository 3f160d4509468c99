// User migration on sign-in, as the developer guide's example does it: the old directory checks the password
// (UserMigration_Authentication) or only looks the user up (UserMigration_ForgotPassword).
const legacyDirectory = {
  'old-timer': { password: 'OldPassw0rd!', email: 'old-timer@example.com', name: 'Old Timer' },
};

const authenticateUser = async (username, password) => {
  const u = legacyDirectory[username];
  return u && u.password === password ? { emailAddress: u.email, name: u.name } : undefined;
};
const lookupUser = async (username) => {
  const u = legacyDirectory[username];
  return u ? { emailAddress: u.email, name: u.name } : undefined;
};

export const handler = async (event) => {
  (globalThis.__lambdaEvents ??= []).push(event);
  if (event.triggerSource === 'UserMigration_Authentication') {
    const user = await authenticateUser(event.userName, event.request.password);
    if (!user) throw new Error('Bad password');
    event.response.userAttributes = { email: user.emailAddress, email_verified: 'true', name: user.name };
    event.response.finalUserStatus = 'CONFIRMED';
    event.response.messageAction = 'SUPPRESS';
    return event;
  }
  if (event.triggerSource === 'UserMigration_ForgotPassword') {
    const user = await lookupUser(event.userName);
    if (!user) throw new Error('Bad password');
    event.response.userAttributes = { email: user.emailAddress, email_verified: 'true', name: user.name };
    event.response.messageAction = 'SUPPRESS';
    return event;
  }
  throw new Error('Bad triggerSource ' + event.triggerSource);
};
