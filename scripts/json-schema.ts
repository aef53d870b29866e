// npm run schema: writes experiments/experiment.schema.json, the experiment config as JSON Schema
// (generated from the zod schema in src/eval/run/experiment.ts), which configs name in "$schema" so
// an editor checks and completes them. test/eval/run/experiment.test.ts fails when it is stale.

import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { experimentJsonSchema } from '../src/eval/run/experiment.js';

const out = fileURLToPath(new URL('../experiments/experiment.schema.json', import.meta.url));
writeFileSync(out, experimentJsonSchema());
console.log(`wrote ${out}`);
