/** `npm run compose`: rewrites the checked-in supergraph from the subgraphs' SDL. */
import { writeFileSync } from 'node:fs';
import { composeSupergraph } from './compose';
import { SUPERGRAPH_FILE } from './sdl';

writeFileSync(SUPERGRAPH_FILE, composeSupergraph());
process.stdout.write(`wrote ${SUPERGRAPH_FILE}\n`);
