// Worker threads do not inherit the TypeScript loader of the thread that starts them (tsx, vitest),
// so this plain module registers tsx before loading the worker. Where tsx is missing the import
// fails, the worker reports an error before 'ready', and the generator runs in its own thread.
import { register } from 'tsx/esm/api';

register();
await import('./shard-worker.ts');
