/**
 * LightGBM's early stopping on one validation metric (lower is better):
 * the best round so far, and whether `rounds` rounds have passed without
 * improving on it. `rounds` = 0 turns it off.
 */
export class EarlyStopping {
  private bestScore = Infinity;
  /** The round (1-based) with the best validation score; 0 before any. */
  bestIteration = 0;

  constructor(private readonly rounds: number) {}

  /** Records round `iteration` (1-based); true when training should stop. */
  stopAfter(iteration: number, validation: number | undefined): boolean {
    if (this.rounds <= 0 || validation === undefined) return false;
    if (validation < this.bestScore) {
      this.bestScore = validation;
      this.bestIteration = iteration;
      return false;
    }
    return iteration - this.bestIteration >= this.rounds;
  }
}
