import type { ApolloServerPlugin } from '@apollo/server';
import { Kind } from 'graphql';
import { DomainError } from '../../../../libs/core/src/domain-error.js';
import type { IdentityService } from '../../../../libs/identity/src/identity.service.js';
import type { GqlContext } from './context.js';

/** Mutations a member of a suspended organisation may still send. */
const ALLOWED_WHILE_SUSPENDED: ReadonlySet<string> = new Set(['login']);

/**
 * Resolves the bearer token into the actor once the operation is known to be valid (a refused
 * query costs no database read), checking revocation and deactivation on every request. A
 * member of a suspended organisation may read and sign in; any other mutation is FORBIDDEN,
 * refused here for every mutation there is or will be.
 */
export function authenticationPlugin(identity: IdentityService): ApolloServerPlugin<GqlContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, operation }) {
          if (!contextValue.token) return;
          const session = await identity.authenticate(contextValue.token);
          contextValue.actor = session?.actor ?? null;
          contextValue.viewer.actor = contextValue.actor;
          contextValue.organizationSuspended = session?.organizationSuspended ?? false;
          if (!session?.organizationSuspended || operation?.operation !== 'mutation') return;
          const onlyAllowed = operation.selectionSet.selections.every(
            (selection) =>
              selection.kind === Kind.FIELD &&
              (selection.name.value.startsWith('__') || ALLOWED_WHILE_SUSPENDED.has(selection.name.value)),
          );
          if (!onlyAllowed) {
            throw DomainError.forbidden(
              'Your organisation is suspended: you can read, but not change anything',
              'Organisasi Anda sedang ditangguhkan: Anda dapat melihat, tetapi tidak dapat mengubah apa pun',
            );
          }
        },
      };
    },
  };
}
