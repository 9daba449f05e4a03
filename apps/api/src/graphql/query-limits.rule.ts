import {
  getNamedType,
  GraphQLError,
  isCompositeType,
  isObjectType,
  Kind,
  type ASTVisitor,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';

export const MAX_QUERY_DEPTH = 12;
/**
 * Lexical tokens of one document, enforced by the parser itself (graphql-js parse option
 * maxTokens): a document of thousands of aliases is refused before validation, whose
 * overlapping-fields check is quadratic in the fields of a selection set.
 */
export const MAX_QUERY_TOKENS = 5000;
export const TOO_MANY_TOKENS = /Document contains more (?:than|that) \d+ tokens/;
export const MAX_QUERY_COST = 50_000;
/** Root fields (aliases included) of one operation: no screen of the app needs more. */
export const MAX_ROOT_FIELDS = 20;
/** A field with its own resolver (a root field, a relation) may run a database query. */
export const RESOLVER_FIELD_COST = 10;
/** A property of an object already loaded. */
const PLAIN_FIELD_COST = 1;
/** Assumed page size when `first` is a variable. */
const VARIABLE_PAGE_SIZE = 200;

function refuse(context: ValidationContext, node: unknown, en: string, id: string): void {
  context.reportError(
    new GraphQLError(`${en} / ${id}`, {
      nodes: node as never,
      extensions: { code: 'BAD_USER_INPUT' },
    }),
  );
}

/**
 * Refuses, before any resolver runs, operations that are too deep, have too many root fields
 * (aliases count: 3,000 aliased `commodities` are 3,000 root fields) or would cost too much:
 * a field with its own resolver costs RESOLVER_FIELD_COST (it may touch the database), a
 * plain property 1, and a field with a `first` argument multiplies what is under it.
 */
export function queryLimitsRule(context: ValidationContext): ASTVisitor {
  const schema = context.getSchema();
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of context.getDocument().definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const fieldOf = (
    parent: GraphQLCompositeType | null,
    name: string,
  ): GraphQLField<unknown, unknown> | null => {
    if (!parent || !('getFields' in parent)) return null;
    return (parent.getFields() as Record<string, GraphQLField<unknown, unknown>>)[name] ?? null;
  };
  const typeNamed = (name: string): GraphQLCompositeType | null => {
    const type = schema.getType(name);
    return type && isCompositeType(type) ? type : null;
  };
  const measure = (
    selectionSet: SelectionSetNode,
    parent: GraphQLCompositeType | null,
    depth: number,
    seen: Set<string>,
  ): { depth: number; cost: number; fields: number } => {
    let maxDepth = depth;
    let cost = 0;
    let fields = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value.startsWith('__')) continue;
        fields += 1;
        const field = fieldOf(parent, selection.name.value);
        const isRoot = parent !== null && isObjectType(parent) && depth === 1;
        const own = field?.resolve || isRoot ? RESOLVER_FIELD_COST : PLAIN_FIELD_COST;
        const firstArg = selection.arguments?.find((arg) => arg.name.value === 'first');
        const multiplier =
          firstArg && firstArg.value.kind === Kind.INT
            ? Math.max(1, Number(firstArg.value.value))
            : firstArg
              ? VARIABLE_PAGE_SIZE
              : 1;
        if (selection.selectionSet) {
          const namedType = field ? getNamedType(field.type) : null;
          const inner = measure(
            selection.selectionSet,
            namedType && isCompositeType(namedType) ? namedType : null,
            depth + 1,
            seen,
          );
          maxDepth = Math.max(maxDepth, inner.depth);
          cost += own + multiplier * inner.cost;
        } else {
          cost += own;
        }
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition ? typeNamed(selection.typeCondition.name.value) : parent;
        const inner = measure(selection.selectionSet, condition, depth, seen);
        maxDepth = Math.max(maxDepth, inner.depth);
        cost += inner.cost;
        fields += inner.fields;
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment || seen.has(name)) continue;
        const inner = measure(
          fragment.selectionSet,
          typeNamed(fragment.typeCondition.name.value),
          depth,
          new Set([...seen, name]),
        );
        maxDepth = Math.max(maxDepth, inner.depth);
        cost += inner.cost;
        fields += inner.fields;
      }
    }
    return { depth: maxDepth, cost, fields };
  };
  return {
    OperationDefinition(operation) {
      const root = schema.getRootType(operation.operation) ?? null;
      const { depth, cost, fields } = measure(operation.selectionSet, root, 1, new Set());
      if (depth > MAX_QUERY_DEPTH) {
        refuse(
          context,
          [operation],
          `Query is ${depth} levels deep; the limit is ${MAX_QUERY_DEPTH}`,
          `Kueri terlalu dalam (${depth} > ${MAX_QUERY_DEPTH})`,
        );
      }
      if (cost > MAX_QUERY_COST) {
        refuse(
          context,
          [operation],
          `Query would cost ${cost}; the limit is ${MAX_QUERY_COST}. Ask for smaller pages.`,
          `Kueri terlalu besar (${cost} > ${MAX_QUERY_COST}); minta halaman lebih kecil.`,
        );
      }
      if (fields > MAX_ROOT_FIELDS) {
        refuse(
          context,
          [operation],
          `The operation asks for ${fields} root fields; at most ${MAX_ROOT_FIELDS}. Send separate requests.`,
          `Operasi meminta ${fields} field akar; paling banyak ${MAX_ROOT_FIELDS}. Kirim sebagai permintaan terpisah.`,
        );
      }
    },
  };
}
