import { StateMachine } from '../../core/src/state-machine.js';
import type {
  AllotmentStatus,
  PledgeStatus,
  ShipmentStatus,
  TradeContractStatus,
} from '../../database/src/entities/trade.entity.js';

/** A contract is open for pledges, in delivery once a shipment leaves, completed when all have arrived. */
export const contractLifecycle = new StateMachine<TradeContractStatus>(
  { en: 'trade contract', id: 'Kontrak dagang' },
  {
    OPEN: ['IN_DELIVERY', 'COMPLETED', 'CANCELLED'],
    IN_DELIVERY: ['COMPLETED', 'CANCELLED'],
    COMPLETED: [],
    CANCELLED: [],
  },
);

export const shipmentLifecycle = new StateMachine<ShipmentStatus>(
  { en: 'shipment', id: 'Pengiriman' },
  {
    PLEDGING: ['ALLOTTED', 'CANCELLED'],
    ALLOTTED: ['CONSOLIDATING', 'DISPATCHED'],
    CONSOLIDATING: ['DISPATCHED'],
    DISPATCHED: ['DELIVERED'],
    DELIVERED: [],
    CANCELLED: [],
  },
);

export const pledgeLifecycle = new StateMachine<PledgeStatus>(
  { en: 'pledge', id: 'Janji stok' },
  {
    PLEDGED: ['WITHDRAWN', 'ALLOTTED', 'PARTIALLY_ALLOTTED', 'NOT_ALLOTTED', 'INVALID'],
    // A re-allotment round may give more to a pledge that got part or nothing the first time.
    PARTIALLY_ALLOTTED: ['ALLOTTED', 'PARTIALLY_ALLOTTED'],
    NOT_ALLOTTED: ['ALLOTTED', 'PARTIALLY_ALLOTTED'],
    ALLOTTED: [],
    WITHDRAWN: [],
    INVALID: [],
  },
);

export const allotmentLifecycle = new StateMachine<AllotmentStatus>(
  { en: 'allotment', id: 'Jatah' },
  { ALLOTTED: ['RECEIVED'], RECEIVED: ['PAID'], PAID: [] },
);
