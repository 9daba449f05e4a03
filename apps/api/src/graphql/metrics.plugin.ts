import type { ApolloServerPlugin } from '@apollo/server';
import { Kind } from 'graphql';
import { graphqlDuration, graphqlRequests } from '../../../../libs/observability/src/metrics.js';
import type { GqlContext } from './context.js';

/**
 * Counts operations by "type:first root field" (bounded by the schema, unlike client-chosen
 * operation names) and outcome: "ok" or the first error's extensions.code.
 */
export function metricsPlugin(): ApolloServerPlugin<GqlContext> {
  return {
    async requestDidStart() {
      const started = performance.now();
      let operation = 'unparsed';
      return {
        async didResolveOperation({ operation: definition }) {
          if (!definition) return;
          const first = definition.selectionSet.selections.find((selection) => selection.kind === Kind.FIELD);
          operation = `${definition.operation}:${first?.kind === Kind.FIELD ? first.name.value : 'fragment'}`;
        },
        async willSendResponse({ response }) {
          const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
          const code = errors?.[0]?.extensions?.['code'];
          const outcome = errors?.length ? (typeof code === 'string' ? code : 'ERROR') : 'ok';
          graphqlRequests.inc({ operation, outcome });
          graphqlDuration.observe({ operation }, (performance.now() - started) / 1000);
        },
      };
    },
  };
}
