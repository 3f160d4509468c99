// Pre token generation handlers, as the developer guide's examples write them.

// V1_0 (the legacy "PreTokenGeneration" ARN): add a claim to the ID token, suppress one, override the groups.
export const v1 = async (event) => {
  (globalThis.__lambdaEvents ??= []).push(event);
  event.response = {
    claimsOverrideDetails: {
      claimsToAddOrOverride: { my_first_attribute: 'first_value', family_name: 'Overridden' },
      claimsToSuppress: ['email'],
      groupOverrideDetails: { groupsToOverride: ['group-A', 'group-B'], iamRolesToOverride: [], preferredRole: null },
    },
  };
  return event;
};

// V2_0 and V3_0: claims and scopes in both tokens (claim values may be any JSON).
export const v2 = async (event) => {
  (globalThis.__lambdaEvents ??= []).push(event);
  event.response = {
    claimsAndScopeOverrideDetails: {
      idTokenGeneration: {
        claimsToAddOrOverride: { family_name: 'Doe', tenant: { id: 't-1', plan: 'gold' } },
        claimsToSuppress: ['email'],
      },
      accessTokenGeneration: {
        claimsToAddOrOverride: { my_first_attribute: 'first_value', my_second_attribute: 'second_value', 'cognito:username': 'ignored' },
        claimsToSuppress: ['cognito:groups'],
        scopesToAdd: ['openid', 'email', 'phone', 'profile'],
        scopesToSuppress: [],
      },
      groupOverrideDetails: {
        groupsToOverride: ['new-group-A', 'new-group-B'],
        iamRolesToOverride: ['arn:aws:iam::123456789012:role/new-role'],
        preferredRole: 'arn:aws:iam::123456789012:role/new-role',
      },
    },
  };
  return event;
};
