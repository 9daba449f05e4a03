import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, type ASTVisitor, type ValidationContext } from 'graphql';
import type { GqlContext } from './context.js';

/** No list argument of this API needs more; a longer one is abuse or a bug. */
export const MAX_LIST_ITEMS = 1000;
/** Deeper than any input type of this API nests. */
const MAX_VARIABLE_DEPTH = 12;

function badInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
}

const nulByte = () =>
  badInput('Text may not contain a NUL character (\\u0000) / Teks tidak boleh berisi karakter NUL (\\u0000)');
const longList = (length: number) =>
  badInput(
    `A list of ${length} items is too long; at most ${MAX_LIST_ITEMS} / Daftar berisi ${length} butir terlalu panjang; paling banyak ${MAX_LIST_ITEMS}`,
  );
const nullItem = () => badInput('A list may not contain null items / Daftar tidak boleh berisi butir null');
const tooDeep = () =>
  badInput(
    `Variables nest deeper than ${MAX_VARIABLE_DEPTH} levels / Variabel bersarang lebih dari ${MAX_VARIABLE_DEPTH} tingkat`,
  );

/**
 * Input no field of this API accepts, refused in one place for every String, ID and list:
 * a NUL character (Postgres text cannot hold it), a list longer than MAX_LIST_ITEMS, a null
 * item in a list (no list of this API has nullable items). This rule covers literals written
 * in the query; hostileVariablesPlugin covers variables.
 */
export function hostileLiteralsRule(context: ValidationContext): ASTVisitor {
  return {
    StringValue(node) {
      if (node.value.includes('\u0000')) context.reportError(nulByte());
    },
    ListValue(node) {
      if (node.values.length > MAX_LIST_ITEMS) context.reportError(longList(node.values.length));
    },
  };
}

/** Throws BAD_USER_INPUT at the first hostile value inside a request's variables. */
export function checkVariables(value: unknown, depth = 0): void {
  if (depth > MAX_VARIABLE_DEPTH) throw tooDeep();
  if (typeof value === 'string') {
    if (value.includes('\u0000')) throw nulByte();
  } else if (Array.isArray(value)) {
    if (value.length > MAX_LIST_ITEMS) throw longList(value.length);
    for (const item of value) {
      if (item === null || item === undefined) throw nullItem();
      checkVariables(item, depth + 1);
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key.includes('\u0000')) throw nulByte();
      checkVariables(item, depth + 1);
    }
  }
}

/** Runs checkVariables before the variables are coerced and any resolver runs. */
export function hostileVariablesPlugin(): ApolloServerPlugin<GqlContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request }) {
          checkVariables(request.variables ?? {});
        },
      };
    },
  };
}
