import {
  getNamedType,
  GraphQLEnumType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLScalarType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  parse,
  print,
  validate,
  type GraphQLInputType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/**
 * A small generator (instead of graphql-codegen and its dependency tree): for each operation in
 * operations.graphql it writes the result and variables types and a typed document string.
 * Enough for what the web client uses: fields, aliases, arguments, no fragments.
 */
const SCALARS: Record<string, string> = {
  ID: 'string',
  String: 'string',
  Boolean: 'boolean',
  Int: 'number',
  Float: 'number',
  Rupiah: 'number',
  Date: 'string',
  DateTime: 'string',
};

function scalar(type: GraphQLScalarType | GraphQLEnumType): string {
  if (isEnumType(type)) return type.name;
  return SCALARS[type.name] ?? 'unknown';
}

function outputType(
  type: GraphQLOutputType,
  selection: SelectionSetNode | undefined,
  indent: string,
): string {
  if (isNonNullType(type)) return outputType(type.ofType, selection, indent).replace(/ \| null$/, '');
  if (isListType(type)) return `Array<${outputType(type.ofType, selection, indent)}> | null`;
  if (isScalarType(type) || isEnumType(type)) return `${scalar(type)} | null`;
  if (!selection) throw new Error(`${String(type)} needs a selection`);
  return `${objectType(type as GraphQLObjectType, selection, indent)} | null`;
}

function objectType(type: GraphQLObjectType, selection: SelectionSetNode, indent: string): string {
  const fields = type.getFields();
  const lines = selection.selections.map((node) => {
    if (node.kind !== 'Field') throw new Error('Fragments are not supported by this generator');
    const name = node.alias?.value ?? node.name.value;
    if (node.name.value === '__typename') return `${indent}  ${name}: '${type.name}';`;
    const field = fields[node.name.value];
    if (!field) throw new Error(`${type.name}.${node.name.value} does not exist`);
    return `${indent}  ${name}: ${outputType(field.type, node.selectionSet, indent + '  ')};`;
  });
  return `{\n${lines.join('\n')}\n${indent}}`;
}

function inputType(type: GraphQLInputType): string {
  if (isNonNullType(type)) return inputType(type.ofType).replace(/ \| null$/, '');
  if (isListType(type)) return `Array<${inputType(type.ofType)}> | null`;
  return `${getNamedType(type).name === 'Float' ? 'number' : typeName(getNamedType(type) as never)} | null`;
}

function typeName(type: GraphQLScalarType | GraphQLEnumType): string {
  return isScalarType(type) ? scalar(type) : type.name;
}

function capitalise(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

export function generateOperationTypes(schema: GraphQLSchema, operations: string): string {
  const document = parse(operations);
  const errors = validate(schema, document);
  if (errors.length > 0) throw new Error(`operations.graphql: ${errors.map((e) => e.message).join('; ')}`);
  const usedEnums = new Set<GraphQLEnumType>();
  const usedInputs = new Set<string>();
  const collect = (type: GraphQLInputType | GraphQLOutputType): void => {
    const named = getNamedType(type);
    if (isEnumType(named)) usedEnums.add(named);
    if (isInputObjectType(named) && !usedInputs.has(named.name)) {
      usedInputs.add(named.name);
      for (const field of Object.values(named.getFields())) collect(field.type);
    }
  };
  const walk = (type: GraphQLOutputType, selection: SelectionSetNode | undefined): void => {
    collect(type);
    const named = getNamedType(type);
    if (!selection || !(named instanceof GraphQLObjectType)) return;
    for (const node of selection.selections) {
      if (node.kind !== 'Field' || node.name.value === '__typename') continue;
      const field = named.getFields()[node.name.value];
      for (const arg of field.args) collect(arg.type);
      walk(field.type, node.selectionSet);
    }
  };
  const out: string[] = [
    '// Generated from schema.graphql and operations.graphql by apps/web/codegen/generate-operations.ts.',
    '// Do not edit: `UPDATE_WEB_SCHEMA=1 npm test -- test/e2e/web-schema` rewrites it.',
    '',
    'export interface TypedDocument<TResult, TVariables> {',
    '  readonly name: string;',
    '  readonly source: string;',
    '  readonly mutation: boolean;',
    '  /** Never set: carries the types. */',
    '  readonly __types?: { result: TResult; variables: TVariables };',
    '}',
    '',
  ];
  const operationBlocks: string[] = [];
  for (const definition of document.definitions) {
    if (definition.kind !== 'OperationDefinition' || !definition.name) {
      throw new Error('Every operation in operations.graphql needs a name');
    }
    const operation = definition as OperationDefinitionNode;
    const root =
      operation.operation === 'mutation'
        ? schema.getMutationType()!
        : operation.operation === 'subscription'
          ? schema.getSubscriptionType()!
          : schema.getQueryType()!;
    walk(new GraphQLNonNull(root), operation.selectionSet);
    const name = capitalise(operation.name!.value);
    const variables = (operation.variableDefinitions ?? []).map((variable) => {
      const type = typeFromAst(schema, variable.type);
      collect(type);
      const optional = !isNonNullType(type) || variable.defaultValue ? '?' : '';
      return `  ${variable.variable.name.value}${optional}: ${inputType(type)};`;
    });
    operationBlocks.push(
      `export type ${name}Result = ${objectType(root, operation.selectionSet, '')};`,
      `export type ${name}Variables = ${variables.length ? `{\n${variables.join('\n')}\n}` : 'Record<string, never>'};`,
      `export const ${name}: TypedDocument<${name}Result, ${name}Variables> = {`,
      `  name: '${operation.name!.value}',`,
      `  source: ${JSON.stringify(print(operation))},`,
      `  mutation: ${operation.operation === 'mutation'},`,
      '};',
      '',
    );
  }
  for (const type of [...usedEnums].sort((a, b) => a.name.localeCompare(b.name))) {
    out.push(
      `export type ${type.name} = ${type
        .getValues()
        .map((value) => `'${value.name}'`)
        .join(' | ')};`,
    );
  }
  out.push('');
  for (const inputName of [...usedInputs].sort()) {
    const type = schema.getType(inputName);
    if (!isInputObjectType(type)) continue;
    out.push(`export interface ${inputName} {`);
    for (const field of Object.values(type.getFields())) {
      const optional = isNonNullType(field.type) ? '' : '?';
      out.push(`  ${field.name}${optional}: ${inputType(field.type)};`);
    }
    out.push('}', '');
  }
  return [...out, ...operationBlocks].join('\n');
}

function typeFromAst(schema: GraphQLSchema, node: import('graphql').TypeNode): GraphQLInputType {
  if (node.kind === 'NonNullType') return new GraphQLNonNull(typeFromAst(schema, node.type));
  if (node.kind === 'ListType') return new GraphQLList(typeFromAst(schema, node.type));
  return schema.getType(node.name.value) as GraphQLInputType;
}
