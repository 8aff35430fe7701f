import { composeSupergraph } from './compose';
import { checkedInSupergraph } from './sdl';

describe('supergraph', () => {
  it('is checked in exactly as a fresh composition of the subgraphs (run `npm run compose`)', () => {
    expect(checkedInSupergraph()).toBe(composeSupergraph());
  });
});
