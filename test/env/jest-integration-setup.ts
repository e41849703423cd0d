// Per-file setup of the integration tier: real servers are slower than a unit under test.
import { jest } from '@jest/globals';

jest.setTimeout(180_000);
