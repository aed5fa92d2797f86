/** The `app.kubernetes.io/part-of` value of every object this project emits. */
export const PART_OF = 'rocketchat-tracing';

export interface ComponentLabelsOptions {
  /** `app.kubernetes.io/name`: the application, e.g. `tempo`. */
  readonly name: string;
  /** `app.kubernetes.io/instance`: the resource name of this instance. */
  readonly instance: string;
  /** `app.kubernetes.io/component`: its role in the stack, e.g. `trace-store`. */
  readonly component: string;
  /** `app.kubernetes.io/version`: the version of the software it runs. */
  readonly version: string;
}

/**
 * Labels that select a component's pods. They end up in immutable selectors, so they hold
 * nothing that changes across upgrades (no version).
 */
export function selectorLabels(options: ComponentLabelsOptions): Record<string, string> {
  return {
    'app.kubernetes.io/name': options.name,
    'app.kubernetes.io/instance': options.instance,
    'app.kubernetes.io/component': options.component,
  };
}

/** Labels on every object this project emits. */
export function projectLabels(): Record<string, string> {
  return { 'app.kubernetes.io/part-of': PART_OF, 'app.kubernetes.io/managed-by': 'cdk8s' };
}

/** The recommended `app.kubernetes.io/*` labels for every object of a component. */
export function standardLabels(options: ComponentLabelsOptions): Record<string, string> {
  return { ...selectorLabels(options), 'app.kubernetes.io/version': options.version, ...projectLabels() };
}

/** Selects a namespace by name, through the label Kubernetes puts on every namespace. */
export function namespaceNameSelector(namespace: string): { matchLabels: Record<string, string> } {
  return { matchLabels: { 'kubernetes.io/metadata.name': namespace } };
}
