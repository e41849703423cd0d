// `npm run env:up`: start (or reuse) the real test environment and print how to use it.
import { ensureEnv } from './environment.js';
import { testenvDir } from './test-env.js';

const { env, started } = await ensureEnv();
process.stdout.write([
  started ? 'test environment started' : 'test environment already running (reused)',
  `  kube-apiserver ${env.KUBERNETES_VERSION}: ${env.KUBE_APISERVER_URL}`,
  `  Keycloak ${env.KEYCLOAK_VERSION}: ${env.KEYCLOAK_URL} (admin console user ${env.KEYCLOAK_ADMIN_USERNAME})`,
  `  source ${testenvDir}/env.sh   # KUBECONFIG, KEYCLOAK_*, KUBECTL, HELM`,
  '  npm run env:down               # stops exactly these processes',
  '',
].join('\n'));
