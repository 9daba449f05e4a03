import { GraphQLSchemaHost } from '@nestjs/graphql';
import { buildSchema, findBreakingChanges, findDangerousChanges } from 'graphql';
import { readFileSync } from 'node:fs';
import { TestSystem } from '../support/test-app.js';

/**
 * The public contract (docs/contract.graphql, a copy of the design's contract) is a promise to
 * outside clients: our schema may add to it, never rename, drop or change what is there.
 * The settlement section belongs to the fulfilment issue and is listed here until it lands.
 */
const NOT_YET_BUILT = new Set([
  'InvoiceStatus',
  'PayableStatus',
  'Invoice',
  'ConsignmentPayable',
  'LotTrace',
  'AuditEntry',
  'LotDelivery',
  'InvoiceEdge',
  'InvoiceConnection',
  'ConsignmentPayableEdge',
  'ConsignmentPayableConnection',
  'ReceiptLineInput',
  'InspectionInput',
  'ReceiveOrderInput',
  'Query.invoices',
  'Query.consignmentPayables',
  'Query.traceLot',
  'Query.auditTrail',
  'Mutation.declineOrder',
  'Mutation.dispatchOrder',
  'Mutation.receiveOrder',
  'Mutation.recordPayment',
  'Mutation.settleConsignment',
  'Mutation.suspendCooperative',
  'Mutation.reinstateCooperative',
]);

describe('the public GraphQL contract', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await TestSystem.start({ worker: false });
  });
  afterAll(async () => system.stop());

  it('is implemented without breaking or dangerous changes outside the settlement section', () => {
    const contract = buildSchema(readFileSync(new URL('../../docs/contract.graphql', import.meta.url), 'utf8'));
    const ours = system.api.get(GraphQLSchemaHost).schema;
    const breaking = findBreakingChanges(contract, ours)
      .map((change) => change.description)
      .filter((description) => ![...NOT_YET_BUILT].some((name) => description.startsWith(`${name} was removed`)));
    const dangerous = findDangerousChanges(contract, ours).map((change) => change.description);
    expect(breaking).toEqual([]);
    expect(dangerous).toEqual([]);
  });
});
