import { StateMachine } from '../../core/src/state-machine.js';
import type { DemandStatus, OfferStatus } from '../../database/src/entities/market.entity.js';

export const demandLifecycle = new StateMachine<DemandStatus>(
  { en: 'demand', id: 'Permintaan' },
  {
    OPEN: ['EVALUATING', 'CANCELLED'],
    EVALUATING: ['AWARDED', 'PARTIALLY_AWARDED', 'UNFILLED'],
    // A coordinator may withdraw a demand after the award (its open orders are cancelled).
    AWARDED: ['CANCELLED'],
    PARTIALLY_AWARDED: ['CANCELLED'],
    UNFILLED: ['CANCELLED'],
    CANCELLED: [],
  },
);

export const offerLifecycle = new StateMachine<OfferStatus>(
  { en: 'offer', id: 'Penawaran' },
  {
    SUBMITTED: ['WITHDRAWN', 'AWARDED', 'PARTIALLY_AWARDED', 'NOT_AWARDED', 'INVALID'],
    WITHDRAWN: [],
    AWARDED: [],
    // A standing offer can win more later, when another cooperative's quantity is re-awarded.
    PARTIALLY_AWARDED: ['AWARDED'],
    NOT_AWARDED: ['AWARDED', 'PARTIALLY_AWARDED'],
    INVALID: [],
  },
);
