/**
 * `sdep operator`: keeps SeldonDeployments reconciled on a Kubernetes
 * cluster (k8s/operator.ts). Credentials come from client-node's default
 * loading: $KUBECONFIG, ~/.kube/config, or the in-cluster service account.
 * With --leader-elect only the holder of a coordination.k8s.io Lease
 * reconciles. SIGTERM/SIGINT: stop watching, release the Lease, exit 0;
 * a lost Lease exits 1 (the pod restarts as a follower).
 */
import { hostname } from 'node:os';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { AMBASSADOR_APIS, type AmbassadorApi, DEFAULT_IMAGE } from '../k8s/k8s-options.js';
import { IMAGE_PULL_POLICIES, type ImagePullPolicy } from './render-command.js';

interface OperatorFlags {
  namespace?: string;
  allNamespaces: boolean;
  ambassadorApi: AmbassadorApi;
  singleNamespace: boolean;
  image: string;
  imagePullPolicy?: ImagePullPolicy;
  leaderElect: boolean;
  leaseNamespace?: string;
  leaseName: string;
  resyncSeconds: number;
}

/** How long a clean stop may take before the process exits anyway. */
const STOP_TIMEOUT_MS = 10_000;

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

async function runOperator(flags: OperatorFlags): Promise<void> {
  if (flags.namespace !== undefined && flags.allNamespaces) {
    throw new Error('give --namespace <ns> or --all-namespaces, not both');
  }
  // Loaded here, not at the top: other commands should not pay for client-node.
  const [{ KubeConfig }, { pino }, k8s] = await Promise.all([
    import('@kubernetes/client-node'),
    import('pino'),
    import('../k8s/index.js'),
  ]);
  const log = pino(
    { name: 'sdep-operator', level: process.env.SDEP_LOG_LEVEL ?? 'info' },
    pino.destination(2),
  );
  const kc = new KubeConfig();
  kc.loadFromDefault();
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('no Kubernetes cluster in the kubeconfig ($KUBECONFIG, ~/.kube/config)');
  // Like kubectl: without a flag, the namespace of the current context.
  const contextNamespace = kc.getContextObject(kc.getCurrentContext())?.namespace;
  const namespace = flags.allNamespaces ? undefined : (flags.namespace ?? contextNamespace ?? 'default');
  const leaseNamespace = flags.leaseNamespace ?? process.env.POD_NAMESPACE ?? namespace ?? 'default';
  const identity = process.env.POD_NAME ?? `${hostname()}_${process.pid}`;

  const op = new k8s.Operator({
    kubeConfig: kc,
    client: k8s.httpKubeClient(kc),
    renderer: k8s.ambassadorRenderer,
    k8s: k8s.defaultK8sOptions({
      ambassadorApi: flags.ambassadorApi,
      image: flags.image,
      singleNamespace: flags.singleNamespace,
      ...(flags.imagePullPolicy ? { imagePullPolicy: flags.imagePullPolicy } : {}),
    }),
    namespace,
    resyncMs: flags.resyncSeconds * 1000,
    ...(flags.leaderElect
      ? { leaderElection: { namespace: leaseNamespace, name: flags.leaseName, identity } }
      : {}),
    onLeadershipLost: () => {
      setTimeout(() => process.exit(1), 100).unref();
    },
    log: {
      info: (m) => log.info(m),
      warn: (m) => log.warn(m),
      error: (m) => log.error(m),
    },
  });
  log.info(
    {
      server: cluster.server,
      namespace: namespace ?? '(all)',
      ambassadorApi: flags.ambassadorApi,
      image: flags.image,
      leaderElection: flags.leaderElect ? `${leaseNamespace}/${flags.leaseName} as ${identity}` : false,
    },
    'sdep operator starting',
  );
  op.start();

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    setTimeout(() => {
      log.error('stop timed out');
      process.exit(1);
    }, STOP_TIMEOUT_MS).unref();
    op.stop().then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

export function registerOperatorCommand(program: Command): void {
  program
    .command('operator')
    .description(
      'reconcile SeldonDeployments on a Kubernetes cluster: per predictor a ConfigMap, Deployment and Service ' +
        '(plus Mapping/TLSContext resources with --ambassador-api v2|v3alpha1), applied with server-side ' +
        'apply (field manager sdep), and the resource status. Uses $KUBECONFIG, ~/.kube/config or the ' +
        'in-cluster service account. SIGTERM stops cleanly (exit 0)',
    )
    .option('--namespace <ns>', 'watch one namespace (default: the current context namespace)')
    .option('--all-namespaces', 'watch every namespace', false)
    .addOption(
      new Option(
        '--ambassador-api <api>',
        'v1 = getambassador.io/config annotation on each Service (Ambassador 1.x, as the seed installs it); ' +
          'v2 / v3alpha1 = Mapping and TLSContext resources',
      )
        .choices([...AMBASSADOR_APIS])
        .default('v1'),
    )
    .option(
      '--single-namespace',
      'also generate the /seldon/<name>/ Mappings (Seldon singleNamespace=true)',
      false,
    )
    .option(
      '--image <image>',
      'the sdep image of the executor container in each predictor pod ($SDEP_IMAGE sets the default)',
      process.env.SDEP_IMAGE || DEFAULT_IMAGE,
    )
    .addOption(
      new Option('--image-pull-policy <policy>', 'imagePullPolicy of the executor container').choices([
        ...IMAGE_PULL_POLICIES,
      ]),
    )
    .option('--leader-elect', 'only the holder of a Lease reconciles (run several replicas safely)', false)
    .option(
      '--lease-namespace <ns>',
      'namespace of the Lease (default: $POD_NAMESPACE, else the watched one)',
    )
    .option('--lease-name <name>', 'name of the Lease', 'sdep-operator')
    .option('--resync-seconds <n>', 'reconcile every resource at least this often', positiveInt, 300)
    .action(async (flags: OperatorFlags) => {
      try {
        await runOperator(flags);
      } catch (err) {
        process.stderr.write(`sdep operator: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(2);
      }
    });
}
