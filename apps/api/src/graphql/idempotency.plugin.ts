import { HeaderMap, type ApolloServerPlugin, type GraphQLRequestListener } from '@apollo/server';
import { Kind, type FormattedExecutionResult, type OperationDefinitionNode } from 'graphql';
import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { GqlContext } from './context.js';

const MAX_KEY_LENGTH = 200;

/**
 * Mutations whose answer is a secret (an access token) or whose input is one (a password):
 * never stored, never replayed. Retrying them is harmless, and a stored token would be a
 * credential at rest.
 */
export const NEVER_STORED_MUTATIONS: ReadonlySet<string> = new Set([
  'login',
  'changePassword',
  'resetUserPassword',
  'registerWebhook',
]);

function touchesNeverStored(operation: OperationDefinitionNode): boolean {
  // Fragments cannot hide a root field of a mutation from this check: a spread at the root
  // would still be resolved, so any fragment spread at the root counts as "might be".
  return operation.selectionSet.selections.some(
    (selection) => selection.kind !== Kind.FIELD || NEVER_STORED_MUTATIONS.has(selection.name.value),
  );
}

function errorResponse(code: string, en: string, id: string) {
  return {
    http: { status: 200, headers: new HeaderMap() },
    body: {
      kind: 'single' as const,
      singleResult: { errors: [{ message: en, extensions: { code, messages: { en, id } } }] },
    },
  };
}

/**
 * Honours the Idempotency-Key header on mutations: a phone on a flaky network that repeats a
 * request with the same key and body gets the first answer again and changes nothing more;
 * the same key with another body is CONFLICT. Keys are scoped to the signed-in user; an
 * anonymous caller has no scope of its own, so its key is ignored (the only anonymous
 * mutation, login, is never stored anyway). An answer that failed on our side is not kept,
 * so a retry really runs again.
 */
export function idempotencyPlugin(dataSource: DataSource): ApolloServerPlugin<GqlContext> {
  return {
    async requestDidStart({ request }): Promise<GraphQLRequestListener<GqlContext> | void> {
      const key = request.http?.headers.get('idempotency-key');
      if (!key) return;
      let reserved: { scope: string; key: string } | null = null;
      return {
        async responseForOperation({ operation, contextValue }) {
          if (operation.operation !== 'mutation') return null;
          if (key.length > MAX_KEY_LENGTH) {
            return errorResponse(
              'BAD_USER_INPUT',
              `Idempotency-Key is longer than ${MAX_KEY_LENGTH} characters`,
              `Idempotency-Key lebih dari ${MAX_KEY_LENGTH} karakter`,
            );
          }
          if (!contextValue.actor || touchesNeverStored(operation)) return null;
          const scope = contextValue.actor.userId;
          const requestHash = createHash('sha256')
            .update(
              JSON.stringify([request.query ?? '', request.operationName ?? null, request.variables ?? {}]),
            )
            .digest('hex');
          const inserted: unknown[] = await dataSource.query(
            `INSERT INTO idempotency_record (scope, key, request_hash) VALUES ($1, $2, $3)
             ON CONFLICT (scope, key) DO NOTHING RETURNING key`,
            [scope, key, requestHash],
          );
          if (inserted.length > 0) {
            reserved = { scope, key };
            return null;
          }
          const [existing] = (await dataSource.query(
            `SELECT request_hash, response FROM idempotency_record WHERE scope = $1 AND key = $2`,
            [scope, key],
          )) as { request_hash: string; response: FormattedExecutionResult | null }[];
          if (!existing || existing.request_hash !== requestHash) {
            return errorResponse(
              'CONFLICT',
              'This Idempotency-Key was already used for a different request',
              'Idempotency-Key ini sudah dipakai untuk permintaan lain',
            );
          }
          if (!existing.response) {
            return errorResponse(
              'CONFLICT',
              'The first request with this Idempotency-Key is still being processed; try again in a moment',
              'Permintaan pertama dengan Idempotency-Key ini masih diproses; coba lagi sebentar lagi',
            );
          }
          return {
            http: { status: 200, headers: new HeaderMap() },
            body: { kind: 'single', singleResult: existing.response },
          };
        },
        async willSendResponse({ response }) {
          if (!reserved || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          // A retryable failure (SERVICE_UNAVAILABLE: a timeout) is not an answer to replay either.
          const failedOnOurSide = (result.errors ?? []).some(
            (e) => e.extensions?.['code'] === 'INTERNAL_SERVER_ERROR' || e.extensions?.['retryable'] === true,
          );
          if (failedOnOurSide) {
            await dataSource.query(`DELETE FROM idempotency_record WHERE scope = $1 AND key = $2`, [
              reserved.scope,
              reserved.key,
            ]);
          } else {
            await dataSource.query(
              `UPDATE idempotency_record SET response = $3 WHERE scope = $1 AND key = $2`,
              [reserved.scope, reserved.key, JSON.stringify({ data: result.data, errors: result.errors })],
            );
          }
        },
      };
    },
  };
}

/** Bahasa Indonesia first for those who ask for it (Accept-Language: id). */
export function localisedErrorsPlugin(): ApolloServerPlugin<GqlContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          if (contextValue.locale !== 'id' || response.body.kind !== 'single') return;
          const errors = response.body.singleResult.errors;
          if (!errors) return;
          response.body.singleResult.errors = errors.map((error) => {
            const messages = error.extensions?.['messages'] as { id?: string } | undefined;
            return messages?.id ? { ...error, message: messages.id } : error;
          });
        },
      };
    },
  };
}
