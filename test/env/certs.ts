import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Paths of the PKI that kube-apiserver and its admin client use. */
export interface Pki {
  caCert: string;
  caKey: string;
  servingCert: string;
  servingKey: string;
  adminCert: string;
  adminKey: string;
  serviceAccountKey: string;
  serviceAccountPub: string;
}

/**
 * Creates (once per run directory) a CA, a serving certificate for localhost/127.0.0.1/
 * 10.0.0.1, an admin client certificate in system:masters and a service-account key pair,
 * as controller-runtime's envtest does.
 */
export function ensurePki(dir: string): Pki {
  const p = (f: string) => join(dir, f);
  const pki: Pki = {
    caCert: p('ca.crt'), caKey: p('ca.key'),
    servingCert: p('apiserver.crt'), servingKey: p('apiserver.key'),
    adminCert: p('admin.crt'), adminKey: p('admin.key'),
    serviceAccountKey: p('sa.key'), serviceAccountPub: p('sa.pub'),
  };
  if (existsSync(pki.serviceAccountPub)) return pki;
  const ssl = (...args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '30', '-subj', '/CN=dko-testenv-ca',
    '-keyout', pki.caKey, '-out', pki.caCert);
  issue(ssl, pki, pki.servingKey, pki.servingCert, '/CN=kube-apiserver',
    'subjectAltName=DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,IP:127.0.0.1,IP:10.0.0.1\nextendedKeyUsage=serverAuth');
  issue(ssl, pki, pki.adminKey, pki.adminCert, '/O=system:masters/CN=admin', 'extendedKeyUsage=clientAuth');
  ssl('genrsa', '-out', pki.serviceAccountKey, '2048');
  ssl('rsa', '-in', pki.serviceAccountKey, '-pubout', '-out', pki.serviceAccountPub);
  return pki;
}

function issue(ssl: (...a: string[]) => void, pki: Pki, key: string, cert: string, subject: string, ext: string): void {
  const csr = `${cert}.csr`;
  const extFile = `${cert}.ext`;
  writeFileSync(extFile, `${ext}\n`);
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', subject, '-keyout', key, '-out', csr);
  ssl('x509', '-req', '-in', csr, '-CA', pki.caCert, '-CAkey', pki.caKey, '-CAcreateserial',
    '-days', '30', '-extfile', extFile, '-out', cert);
}
