// Registers bft's dataset kinds, as the command line does (src/cli/main.ts), for every test file.
import '../src/timing/kind.js';
import '../src/timing/pooled.js';
