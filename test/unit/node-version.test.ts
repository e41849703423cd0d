import { unsupportedNode } from '../../src/node-version.js';

describe('the Node.js version the operator runs on', () => {
  it.each(['24.0.0', '24.21.0', '25.1.0'])('accepts %s', (version) => {
    expect(unsupportedNode(version)).toBeUndefined();
  });

  it.each(['20.20.2', '22.19.0', 'garbage'])('refuses %s, naming the version it found', (version) => {
    expect(unsupportedNode(version)).toContain(`this is ${version}`);
  });
});
