import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binaries } from '../../env/versions.js';
import { chartDir, run } from './chart.js';

// test/env/setup.sh builds helm from its Go module; a released helm carries the Kubernetes
// version of its client-go (-ldflags from helm's Makefile), an unstamped build assumes v1.20.
describe('the helm that test/env/setup.sh builds', () => {
  it('renders the chart (kubeVersion >=1.30) without --kube-version, as a released helm does', () => {
    const r = run(binaries.helm, ['template', 'dko', chartDir]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  });

  it('assumes the Kubernetes version of the client-go it was built with, not v1.20', () => {
    const chart = mkdtempSync(join(tmpdir(), 'dko-capabilities-'));
    mkdirSync(join(chart, 'templates'));
    writeFileSync(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: capabilities\nversion: 0.1.0\n');
    writeFileSync(join(chart, 'templates', 'kube-version.yaml'), 'kubeVersion: {{ .Capabilities.KubeVersion.Version }}\n');
    const r = run(binaries.helm, ['template', 'x', chart]);
    expect(r.stdout).toMatch(/kubeVersion: v1\.(3\d|[4-9]\d)\.0\n/);
  });
});
