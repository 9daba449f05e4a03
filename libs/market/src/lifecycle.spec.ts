import { DomainError } from '../../core/src/domain-error.js';
import { orderLifecycle } from '../../orders/src/order-lifecycle.js';
import { demandLifecycle, offerLifecycle } from './lifecycle.js';

describe('lifecycles', () => {
  it('lets an open demand be evaluated or cancelled, and nothing else', () => {
    expect(demandLifecycle.canMove('OPEN', 'EVALUATING')).toBe(true);
    expect(demandLifecycle.canMove('OPEN', 'CANCELLED')).toBe(true);
    expect(demandLifecycle.canMove('OPEN', 'AWARDED')).toBe(false);
    expect(demandLifecycle.canMove('EVALUATING', 'CANCELLED')).toBe(false);
  });

  it('treats an illegal move as a CONFLICT naming both states', () => {
    let caught: unknown;
    try {
      demandLifecycle.assertMove('AWARDED', 'OPEN');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DomainError);
    expect((caught as DomainError).code).toBe('CONFLICT');
    expect((caught as DomainError).messages.en).toContain('AWARDED');
    expect((caught as DomainError).messages.id).toContain('OPEN');
  });

  it('never lets a withdrawn or settled offer move again', () => {
    for (const terminal of ['WITHDRAWN', 'AWARDED', 'NOT_AWARDED', 'PARTIALLY_AWARDED', 'INVALID'] as const) {
      expect(() => offerLifecycle.assertMove(terminal, 'SUBMITTED')).toThrow(DomainError);
      expect(() => offerLifecycle.assertMove(terminal, 'WITHDRAWN')).toThrow(DomainError);
    }
    expect(() => offerLifecycle.assertMove('SUBMITTED', 'WITHDRAWN')).not.toThrow();
    // ...but an offer left standing can still win quantity that another cooperative declined.
    expect(offerLifecycle.canMove('NOT_AWARDED', 'AWARDED')).toBe(true);
    expect(offerLifecycle.canMove('PARTIALLY_AWARDED', 'AWARDED')).toBe(true);
    expect(offerLifecycle.canMove('INVALID', 'AWARDED')).toBe(false);
  });

  it('orders go confirmed -> dispatched -> received, and a dispatched order cannot be declined', () => {
    expect(orderLifecycle.canMove('CONFIRMED', 'DISPATCHED')).toBe(true);
    expect(orderLifecycle.canMove('DISPATCHED', 'RECEIVED')).toBe(true);
    expect(orderLifecycle.canMove('DISPATCHED', 'DECLINED')).toBe(false);
    expect(orderLifecycle.canMove('RECEIVED', 'DISPATCHED')).toBe(false);
  });
});
