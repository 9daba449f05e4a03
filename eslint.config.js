// Flat config: typescript-eslint's recommended rules without type information (fast).
// Pragmatic: what would be noise is a warning or off; warnings never fail `npm test`.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

/** Every global the running Node has (process, console, Buffer, URL, fetch, ...), for .js/.mjs scripts. */
const nodeGlobals = Object.fromEntries(
  [...Object.getOwnPropertyNames(globalThis), 'process', 'console', 'Buffer'].map((name) => [
    name,
    'readonly',
  ]),
);

/**
 * Table ownership: every entity has one owning lib, and only the owner queries or writes its table.
 * Another lib may name an entity as a TYPE (rows the owner's service hands over) but may not import
 * it as a value (a repository, find, insert or update target): it calls the owner's service.
 * Stock (stock_lot.reserved_quantity) and awarded quantities (demand_line.awarded_quantity) move
 * only through the market's StockLedgerService, which a unit test enforces on the SQL itself.
 */
const ENTITY_OWNERS = {
  identity: ['RegionEntity', 'OrganizationEntity', 'UserEntity'],
  catalog: [
    'CommodityEntity',
    'CommodityUnitEntity',
    'ReferencePriceEntity',
    'MarketPolicyEntity',
    'CertificateEntity',
  ],
  market: [
    'StockLotEntity',
    'DemandRequestEntity',
    'DemandLineEntity',
    'OfferEntity',
    'OfferEvaluationEntity',
    'MarketBatchEntity',
    'ShortfallEntity',
    'DemandTemplateEntity',
  ],
  orders: ['PurchaseOrderEntity', 'OrderLineEntity', 'OrderNumberCounterEntity'],
  settlement: ['InvoiceEntity', 'PaymentEntity', 'ConsignmentPayableEntity'],
  monitoring: ['AlertEntity', 'PortionRecordEntity'],
  trade: [
    'TradeContractEntity',
    'TradeShipmentEntity',
    'TradePledgeEntity',
    'TradeAllotmentEntity',
    'TradeLevyEntryEntity',
  ],
  files: ['PhotoEntity'],
  // A read model: the coordinator's downloads read through SQL and the monitoring services, own nothing.
  exports: [],
  jobs: ['OutboxMessageEntity', 'IdempotencyRecordEntity', 'AuditEntryEntity'],
  live: [],
};

/** The documented exceptions: value imports a lib may make of entities it does not own, and why. */
const ENTITY_EXCEPTIONS = {
  // Regions are identity's; the catalog reads them to resolve a region's chain for prices, and
  // reads the organisations that hold certificates (their names and regions).
  catalog: ['RegionEntity', 'OrganizationEntity'],
  // The market reads organisations (locations; the award locks cooperatives FOR SHARE to see a
  // suspension), supervision suspends a cooperative, the award reads commodity base units, and
  // evaluation, re-award and supervision raise alerts (an append-only table any lib may add to).
  market: ['OrganizationEntity', 'CommodityEntity', 'AlertEntity'],
  // A decline or a rejection hands a shortfall over to the market's re-award (the market module
  // imports orders, so orders cannot call the market's service without a cycle).
  orders: ['ShortfallEntity'],
  // A receipt reads the consigned lot's unit cost and consignor to owe the consignor.
  settlement: ['StockLotEntity'],
  // Oversight reads the audit trail; compliance lists the region's kitchens.
  monitoring: ['AuditEntryEntity', 'OrganizationEntity'],
  // The Trade Center reads the commodity, the cooperatives and the pledged lots (locked in id
  // order; their stock moves only through the market's StockLedgerService) and raises alerts.
  trade: ['CommodityEntity', 'OrganizationEntity', 'StockLotEntity', 'AlertEntity'],
  // Who may see an inspection photo depends on the organisations of its order.
  files: ['OrganizationEntity'],
  // Live updates own no table; they hear alert rows inserted (a TypeORM subscriber, read only).
  live: ['AlertEntity'],
};

function entityOwnershipRules() {
  return Object.keys(ENTITY_OWNERS).map((lib) => {
    const allowed = new Set([...ENTITY_OWNERS[lib], ...(ENTITY_EXCEPTIONS[lib] ?? [])]);
    const foreign = Object.values(ENTITY_OWNERS)
      .flat()
      .filter((name) => !allowed.has(name));
    return {
      files: [`libs/${lib}/src/**/*.ts`],
      ignores: ['**/*.spec.ts'],
      rules: {
        '@typescript-eslint/no-restricted-imports': [
          'error',
          {
            patterns: [
              {
                group: ['**/database/src/entities/*', '**/database/src/entities/index.js'],
                importNames: foreign,
                allowTypeImports: true,
                message: `libs/${lib} does not own this table: call its owning lib's service (ownership map in eslint.config.js).`,
              },
            ],
          },
        ],
      },
    };
  });
}
/** What a browser page or service worker can use; kept short and explicit. */
const browserGlobals = Object.fromEntries(
  [
    'window',
    'document',
    'navigator',
    'location',
    'history',
    'localStorage',
    'indexedDB',
    'fetch',
    'crypto',
    'URL',
    'URLSearchParams',
    'Event',
    'Response',
    'Request',
    'Blob',
    'File',
    'console',
    'setTimeout',
    'clearTimeout',
    'self',
    'caches',
    'IDBDatabase',
    'IDBObjectStore',
    'IDBRequest',
    'IDBTransactionMode',
    'AbortSignal',
    'HTMLElement',
  ].map((name) => [name, 'readonly']),
);

export default defineConfig(
  { ignores: ['dist/', 'node_modules/', '.data/', 'coverage/', 'bench/results/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: nodeGlobals },
    linterOptions: { reportUnusedDisableDirectives: 'warn' },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'warn',
        {
          args: 'after-used',
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrors: 'none',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      '@typescript-eslint/no-explicit-any': 'warn',
      // Nest modules and GraphQL types are classes with only decorators.
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }],
      // Declaration merging of a namespace with a function/class is a legitimate TS pattern.
      '@typescript-eslint/no-namespace': ['error', { allowDeclarations: true }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-constant-condition': ['error', { checkLoops: false }],
      // Worth doing, not worth failing a build over.
      'preserve-caught-error': 'warn',
      'prefer-const': ['error', { destructuring: 'all' }],
    },
  },
  ...entityOwnershipRules(),
  {
    // The browser client: browser globals (window, document, indexedDB, ...), not Node's.
    files: ['apps/web/src/**/*.{ts,tsx}', 'apps/web/public/**/*.js'],
    languageOptions: { globals: browserGlobals },
  },
  {
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
