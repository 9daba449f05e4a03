import { StateMachine } from '../../core/src/state-machine.js';
import type { OrderStatus } from '../../database/src/entities/orders.entity.js';

export const orderLifecycle = new StateMachine<OrderStatus>(
  { en: 'purchase order', id: 'Pesanan pembelian' },
  {
    CONFIRMED: ['DISPATCHED', 'DECLINED', 'CANCELLED'],
    DISPATCHED: ['RECEIVED', 'CANCELLED'],
    RECEIVED: [],
    DECLINED: [],
    CANCELLED: [],
  },
);
