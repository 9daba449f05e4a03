import { StateMachine } from '../../core/src/state-machine.js';
import type { InvoiceStatus, PayableStatus } from '../../database/src/entities/settlement.entity.js';

export const invoiceLifecycle = new StateMachine<InvoiceStatus>(
  { en: 'invoice', id: 'Faktur' },
  { ISSUED: ['PARTIALLY_PAID', 'PAID'], PARTIALLY_PAID: ['PARTIALLY_PAID', 'PAID'], PAID: [] },
);

export const payableLifecycle = new StateMachine<PayableStatus>(
  { en: 'payable', id: 'Utang konsinyasi' },
  { OPEN: ['PAID'], PAID: [] },
);

/** The status an invoice has once `paid` of `total` is paid. */
export function invoiceStatusFor(total: bigint, paid: bigint): InvoiceStatus {
  if (paid === 0n) return 'ISSUED';
  return paid >= total ? 'PAID' : 'PARTIALLY_PAID';
}
