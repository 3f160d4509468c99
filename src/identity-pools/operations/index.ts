// The cognito-identity operations Cognate serves. One line per operation; keep alphabetical within each group.
import type { Operation } from '../../protocol/operation.ts';

// Identity pools
import createIdentityPool from './create-identity-pool.ts';
import deleteIdentityPool from './delete-identity-pool.ts';
import describeIdentityPool from './describe-identity-pool.ts';
import getIdentityPoolRoles from './get-identity-pool-roles.ts';
import getPrincipalTagAttributeMap from './get-principal-tag-attribute-map.ts';
import listIdentityPools from './list-identity-pools.ts';
import setIdentityPoolRoles from './set-identity-pool-roles.ts';
import setPrincipalTagAttributeMap from './set-principal-tag-attribute-map.ts';
import updateIdentityPool from './update-identity-pool.ts';

// Identities
import deleteIdentities from './delete-identities.ts';
import describeIdentity from './describe-identity.ts';
import getCredentialsForIdentity from './get-credentials-for-identity.ts';
import getId from './get-id.ts';
import getOpenIdToken from './get-open-id-token.ts';
import listIdentities from './list-identities.ts';
import unlinkIdentity from './unlink-identity.ts';

// Developer-authenticated identities
import getOpenIdTokenForDeveloperIdentity from './get-open-id-token-for-developer-identity.ts';
import lookupDeveloperIdentity from './lookup-developer-identity.ts';
import mergeDeveloperIdentities from './merge-developer-identities.ts';
import unlinkDeveloperIdentity from './unlink-developer-identity.ts';

// Tags
import listTagsForResource from './list-tags-for-resource.ts';
import tagResource from './tag-resource.ts';
import untagResource from './untag-resource.ts';

export const identityPoolOperations: Operation[] = [
  createIdentityPool,
  deleteIdentityPool,
  describeIdentityPool,
  getIdentityPoolRoles,
  getPrincipalTagAttributeMap,
  getCredentialsForIdentity,
  getOpenIdToken,
  listIdentityPools,
  setIdentityPoolRoles,
  setPrincipalTagAttributeMap,
  updateIdentityPool,
  deleteIdentities,
  describeIdentity,
  getId,
  listIdentities,
  unlinkIdentity,
  getOpenIdTokenForDeveloperIdentity,
  lookupDeveloperIdentity,
  mergeDeveloperIdentities,
  unlinkDeveloperIdentity,
  listTagsForResource,
  tagResource,
  untagResource,
];
