import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';

export const MAX_QUERY_DEPTH = 12;
export const MAX_QUERY_COST = 50_000;

/**
 * Refuses queries that are too deep or would touch too many objects: a field costs 1, and a
 * field with a `first` argument multiplies what is under it (default page 50). Run as a
 * validation rule, so an abusive query is refused before any resolver runs.
 */
export function queryLimitsRule(context: ValidationContext): ASTVisitor {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of context.getDocument().definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const measure = (
    selectionSet: SelectionSetNode,
    depth: number,
    seen: Set<string>,
  ): { depth: number; cost: number } => {
    let maxDepth = depth;
    let cost = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value.startsWith('__')) continue;
        const firstArg = selection.arguments?.find((arg) => arg.name.value === 'first');
        const multiplier =
          firstArg && firstArg.value.kind === Kind.INT
            ? Math.max(1, Number(firstArg.value.value))
            : firstArg
              ? 200
              : 1;
        if (selection.selectionSet) {
          const inner = measure(selection.selectionSet, depth + 1, seen);
          maxDepth = Math.max(maxDepth, inner.depth);
          cost += 1 + multiplier * inner.cost;
        } else {
          cost += 1;
        }
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const inner = measure(selection.selectionSet, depth, seen);
        maxDepth = Math.max(maxDepth, inner.depth);
        cost += inner.cost;
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment || seen.has(name)) continue;
        const inner = measure(fragment.selectionSet, depth, new Set([...seen, name]));
        maxDepth = Math.max(maxDepth, inner.depth);
        cost += inner.cost;
      }
    }
    return { depth: maxDepth, cost };
  };
  return {
    OperationDefinition(operation) {
      const { depth, cost } = measure(operation.selectionSet, 1, new Set());
      if (depth > MAX_QUERY_DEPTH) {
        context.reportError(
          new GraphQLError(
            `Query is ${depth} levels deep; the limit is ${MAX_QUERY_DEPTH} / Kueri terlalu dalam (${depth} > ${MAX_QUERY_DEPTH})`,
            { nodes: [operation], extensions: { code: 'BAD_USER_INPUT' } },
          ),
        );
      }
      if (cost > MAX_QUERY_COST) {
        context.reportError(
          new GraphQLError(
            `Query would cost ${cost}; the limit is ${MAX_QUERY_COST}. Ask for smaller pages. / Kueri terlalu besar (${cost} > ${MAX_QUERY_COST}); minta halaman lebih kecil.`,
            { nodes: [operation], extensions: { code: 'BAD_USER_INPUT' } },
          ),
        );
      }
    },
  };
}
