// The cognito-idp operations Cognate serves. One line per operation; keep alphabetical within each group.
import type { Operation } from '../../protocol/operation.ts';

// Pools
import addCustomAttributes from './add-custom-attributes.ts';
import createUserPool from './create-user-pool.ts';
import deleteUserPool from './delete-user-pool.ts';
import describeUserPool from './describe-user-pool.ts';
import getSigningCertificate from './get-signing-certificate.ts';
import getUserPoolMfaConfig from './get-user-pool-mfa-config.ts';
import listTagsForResource from './list-tags-for-resource.ts';
import listUserPools from './list-user-pools.ts';
import setUserPoolMfaConfig from './set-user-pool-mfa-config.ts';
import tagResource from './tag-resource.ts';
import untagResource from './untag-resource.ts';
import updateUserPool from './update-user-pool.ts';

// App clients
import createUserPoolClient from './create-user-pool-client.ts';
import deleteUserPoolClient from './delete-user-pool-client.ts';
import describeUserPoolClient from './describe-user-pool-client.ts';
import listUserPoolClients from './list-user-pool-clients.ts';
import updateUserPoolClient from './update-user-pool-client.ts';

// Domains
import createUserPoolDomain from './create-user-pool-domain.ts';
import deleteUserPoolDomain from './delete-user-pool-domain.ts';
import describeUserPoolDomain from './describe-user-pool-domain.ts';
import updateUserPoolDomain from './update-user-pool-domain.ts';

// Tokens and sessions
import adminUserGlobalSignOut from './admin-user-global-sign-out.ts';
import getTokensFromRefreshToken from './get-tokens-from-refresh-token.ts';
import getUser from './get-user.ts';

// MFA
import adminDeleteSoftwareToken from './admin-delete-software-token.ts';
import adminSetUserMFAPreference from './admin-set-user-mfa-preference.ts';
import adminSetUserSettings from './admin-set-user-settings.ts';
import associateSoftwareToken from './associate-software-token.ts';
import setUserMFAPreference from './set-user-mfa-preference.ts';
import setUserSettings from './set-user-settings.ts';
import verifySoftwareToken from './verify-software-token.ts';
import globalSignOut from './global-sign-out.ts';
import revokeToken from './revoke-token.ts';

// Sign-up
import adminConfirmSignUp from './admin-confirm-sign-up.ts';
import confirmSignUp from './confirm-sign-up.ts';
import resendConfirmationCode from './resend-confirmation-code.ts';
import signUp from './sign-up.ts';

// Sign-in
import adminInitiateAuth from './admin-initiate-auth.ts';
import adminRespondToAuthChallenge from './admin-respond-to-auth-challenge.ts';
import initiateAuth from './initiate-auth.ts';
import respondToAuthChallenge from './respond-to-auth-challenge.ts';

// Admin users
import adminCreateUser from './admin-create-user.ts';
import adminDeleteUser from './admin-delete-user.ts';
import adminDisableUser from './admin-disable-user.ts';
import adminEnableUser from './admin-enable-user.ts';
import adminGetUser from './admin-get-user.ts';
import adminGetUserAuthFactors from './admin-get-user-auth-factors.ts';
import getUserAuthFactors from './get-user-auth-factors.ts';
import adminResetUserPassword from './admin-reset-user-password.ts';
import adminSetUserPassword from './admin-set-user-password.ts';
import deleteUser from './delete-user.ts';

// Recovery and attributes
import adminDeleteUserAttributes from './admin-delete-user-attributes.ts';
import adminUpdateUserAttributes from './admin-update-user-attributes.ts';
import changePassword from './change-password.ts';
import confirmForgotPassword from './confirm-forgot-password.ts';
import deleteUserAttributes from './delete-user-attributes.ts';
import forgotPassword from './forgot-password.ts';
import getUserAttributeVerificationCode from './get-user-attribute-verification-code.ts';
import updateUserAttributes from './update-user-attributes.ts';
import verifyUserAttribute from './verify-user-attribute.ts';

// Users list
import listUsers from './list-users.ts';

// Groups
import adminAddUserToGroup from './admin-add-user-to-group.ts';
import adminListGroupsForUser from './admin-list-groups-for-user.ts';
import adminRemoveUserFromGroup from './admin-remove-user-from-group.ts';
import createGroup from './create-group.ts';
import deleteGroup from './delete-group.ts';
import getGroup from './get-group.ts';
import listGroups from './list-groups.ts';
import listUsersInGroup from './list-users-in-group.ts';
import updateGroup from './update-group.ts';

// Resource servers (OAuth 2.0 custom scopes)
import createResourceServer from './create-resource-server.ts';
import deleteResourceServer from './delete-resource-server.ts';
import describeResourceServer from './describe-resource-server.ts';
import listResourceServers from './list-resource-servers.ts';
import updateResourceServer from './update-resource-server.ts';

// Devices
import adminForgetDevice from './admin-forget-device.ts';
import adminGetDevice from './admin-get-device.ts';
import adminListDevices from './admin-list-devices.ts';
import adminUpdateDeviceStatus from './admin-update-device-status.ts';
import confirmDevice from './confirm-device.ts';
import forgetDevice from './forget-device.ts';
import getDevice from './get-device.ts';
import listDevices from './list-devices.ts';
import updateDeviceStatus from './update-device-status.ts';

export const userPoolOperations: Operation[] = [
  // Pools
  addCustomAttributes,
  createUserPool,
  deleteUserPool,
  describeUserPool,
  getSigningCertificate,
  getUserPoolMfaConfig,
  listTagsForResource,
  listUserPools,
  setUserPoolMfaConfig,
  tagResource,
  untagResource,
  updateUserPool,
  // App clients
  createUserPoolClient,
  deleteUserPoolClient,
  describeUserPoolClient,
  listUserPoolClients,
  updateUserPoolClient,
  // Domains
  createUserPoolDomain,
  deleteUserPoolDomain,
  describeUserPoolDomain,
  updateUserPoolDomain,
  // Tokens and sessions
  adminUserGlobalSignOut,
  getTokensFromRefreshToken,
  getUser,
  // MFA
  adminDeleteSoftwareToken,
  adminSetUserMFAPreference,
  adminSetUserSettings,
  associateSoftwareToken,
  setUserMFAPreference,
  setUserSettings,
  verifySoftwareToken,
  globalSignOut,
  revokeToken,
  // Sign-up
  adminConfirmSignUp,
  confirmSignUp,
  resendConfirmationCode,
  signUp,
  // Sign-in
  adminInitiateAuth,
  adminRespondToAuthChallenge,
  initiateAuth,
  respondToAuthChallenge,
  // Admin users
  adminCreateUser,
  adminDeleteUser,
  adminDisableUser,
  adminEnableUser,
  adminGetUser,
  adminGetUserAuthFactors,
  getUserAuthFactors,
  adminResetUserPassword,
  adminSetUserPassword,
  deleteUser,
  // Recovery and attributes
  adminDeleteUserAttributes,
  adminUpdateUserAttributes,
  changePassword,
  confirmForgotPassword,
  deleteUserAttributes,
  forgotPassword,
  getUserAttributeVerificationCode,
  updateUserAttributes,
  verifyUserAttribute,
  // Users list
  listUsers,
  // Devices
  adminForgetDevice,
  adminGetDevice,
  adminListDevices,
  adminUpdateDeviceStatus,
  confirmDevice,
  forgetDevice,
  getDevice,
  listDevices,
  updateDeviceStatus,
  // Groups
  adminAddUserToGroup,
  adminListGroupsForUser,
  adminRemoveUserFromGroup,
  createGroup,
  deleteGroup,
  getGroup,
  listGroups,
  listUsersInGroup,
  updateGroup,
  // Resource servers
  createResourceServer,
  deleteResourceServer,
  describeResourceServer,
  listResourceServers,
  updateResourceServer,
];
