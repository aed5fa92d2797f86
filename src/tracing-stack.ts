import { Chart, ChartProps } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { PART_OF } from './common/labels';
import { validateDnsLabel } from './common/names';
import { TempoStack, TempoStackProps } from './tempo/tempo-stack';

export interface TracingStackProps extends Omit<ChartProps, 'namespace' | 'labels'> {
  /**
   * Namespace of the tracing stack.
   * @default 'monitoring'
   */
  readonly namespace?: string;
  /**
   * Emit the Namespace object. Turn off when the namespace is managed elsewhere.
   * @default true
   */
  readonly createNamespace?: boolean;
  /**
   * Tempo settings; `namespace` comes from the stack.
   * @default - see TempoStackProps
   */
  readonly tempo?: Omit<TempoStackProps, 'namespace'>;
}

/**
 * The whole tracing stack as one chart: the namespace and Tempo, wired to each other by typed
 * attributes. Synthesizes to one file with objects in dependency order.
 */
export class TracingStack extends Chart {
  /** Tempo. */
  public readonly tempo: TempoStack;

  constructor(scope: Construct, id: string, props: TracingStackProps = {}) {
    // The chart itself gets no namespace: cdk8s would stamp it on cluster-scoped objects too.
    super(scope, id, { disableResourceNameHashes: true, ...props, namespace: undefined });
    const namespace = validateDnsLabel('namespace', props.namespace ?? 'monitoring');

    const namespaceObject = props.createNamespace === false
      ? undefined
      : new k8s.KubeNamespace(this, 'Namespace', {
        metadata: {
          name: namespace,
          labels: {
            'app.kubernetes.io/part-of': PART_OF,
            'app.kubernetes.io/managed-by': 'cdk8s',
            // Warn and audit only: the namespace is often shared with kube-prometheus-stack,
            // whose node-exporter cannot meet "restricted".
            'pod-security.kubernetes.io/warn': 'restricted',
            'pod-security.kubernetes.io/audit': 'restricted',
          },
        },
      });

    this.tempo = new TempoStack(this, 'Tempo', { ...props.tempo, namespace });

    if (namespaceObject) {
      for (const child of this.node.children) {
        if (child !== namespaceObject) child.node.addDependency(namespaceObject);
      }
    }
  }
}
