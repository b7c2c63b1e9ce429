// `npm start` runs this before building: a configuration error stops it at once, with the reason (lib/env.ts).
import { readEnvOrExit } from '@/lib/env';

readEnvOrExit();
