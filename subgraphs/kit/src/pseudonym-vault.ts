/**
 * Where civil affairs remembers which sealed ref belongs to a pseudonymous id, so that
 * `citizen(id:)` can find a person it has seen before (an id cannot be reversed).
 */
export interface PseudonymVault {
  remember(id: string, ref: string): Promise<void>;
  /** One ref per id, in order; null for ids never remembered. */
  lookup(ids: readonly string[]): Promise<Array<string | null>>;
}

/** Process-local vault for development and tests; production uses a shared store. */
export class MemoryPseudonymVault implements PseudonymVault {
  private readonly refs = new Map<string, string>();

  async remember(id: string, ref: string): Promise<void> {
    this.refs.set(id, ref);
  }

  async lookup(ids: readonly string[]): Promise<Array<string | null>> {
    return ids.map((id) => this.refs.get(id) ?? null);
  }

  get size(): number {
    return this.refs.size;
  }
}
