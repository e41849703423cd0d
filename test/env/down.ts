// `npm run env:down`: stop exactly the processes env:up started (by recorded PID).
import { stopEnv } from './environment.js';

await stopEnv();
process.stdout.write('test environment stopped\n');
