// DeleteUser: the signed-in user deletes their own profile, authorized by their access token.
import { defineOperation } from '../../protocol/operation.ts';
import { authenticateAccessToken } from '../domain/access-token.ts';
import type { DeleteUserRequest } from '../shapes.ts';
import { userNotFound } from '../domain/users.ts';

export default defineOperation<DeleteUserRequest, Record<string, never>>({
  service: 'cognito-idp',
  name: 'DeleteUser',
  async handle(input, deps) {
    const { pool, user } = await authenticateAccessToken(deps, input.AccessToken);
    // Deleting the user deletes their sessions: this access token (and every other of theirs) is refused afterwards.
    if (!(await deps.store.users.delete(pool.id, user.usernameKey))) throw userNotFound();
    return {};
  },
});
