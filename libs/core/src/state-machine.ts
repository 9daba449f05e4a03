import { DomainError } from './domain-error.js';

/** A lifecycle is its allowed moves; anything else is a CONFLICT, never a silent no-op. */
export class StateMachine<S extends string> {
  constructor(
    private readonly entity: { en: string; id: string },
    private readonly moves: Record<S, readonly S[]>,
  ) {}

  canMove(from: S, to: S): boolean {
    return this.moves[from].includes(to);
  }

  assertMove(from: S, to: S): void {
    if (!this.canMove(from, to)) {
      throw DomainError.conflict(
        `The ${this.entity.en} is ${from} and cannot become ${to}`,
        `${this.entity.id} berstatus ${from} dan tidak bisa menjadi ${to}`,
        { from, to },
      );
    }
  }
}
