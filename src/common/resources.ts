import { k8s } from 'cdk8s-plus-28';
import { ValidationError } from './errors';
import { definedOnly } from './objects';
import { cpuToMillis, quantityToBytes } from './units';

/**
 * CPU and memory for a container. Every container gets both requests and limits; each field
 * left out takes the default of the construct it is given to.
 */
export interface ContainerResources {
  /**
   * CPU request, e.g. `500m`.
   * @default - the construct's default
   */
  readonly cpuRequest?: string;
  /**
   * CPU limit, e.g. `1`.
   * @default - the construct's default
   */
  readonly cpuLimit?: string;
  /**
   * Memory request, e.g. `1Gi`.
   * @default - the construct's default
   */
  readonly memoryRequest?: string;
  /**
   * Memory limit, e.g. `1Gi`. Also sets GOMEMLIMIT for Go programs.
   * @default - the construct's default
   */
  readonly memoryLimit?: string;
}

/** Resources with every field decided. */
export type ResolvedResources = Required<ContainerResources>;

/** Every component's default: requests 500m / 1Gi, limits 1 CPU / 1Gi (memory is not compressible). */
export const DEFAULT_RESOURCES: ResolvedResources = { cpuRequest: '500m', cpuLimit: '1', memoryRequest: '1Gi', memoryLimit: '1Gi' };

/**
 * Fills `given` from `defaults` and validates: quantities parse, and no request exceeds its
 * limit (the API server refuses such a pod).
 */
export function resolveResources(prop: string, given: ContainerResources | undefined, defaults: ResolvedResources): ResolvedResources {
  const r: ResolvedResources = { ...defaults, ...definedOnly(given ?? {}) };
  const cpuRequest = cpuToMillis(`${prop}.cpuRequest`, r.cpuRequest);
  const cpuLimit = cpuToMillis(`${prop}.cpuLimit`, r.cpuLimit);
  const memoryRequest = quantityToBytes(`${prop}.memoryRequest`, r.memoryRequest);
  const memoryLimit = quantityToBytes(`${prop}.memoryLimit`, r.memoryLimit);
  if (cpuRequest > cpuLimit) {
    throw new ValidationError(`${prop}.cpuRequest must not exceed ${prop}.cpuLimit (${r.cpuLimit}), got ${JSON.stringify(r.cpuRequest)}`);
  }
  if (memoryRequest > memoryLimit) {
    throw new ValidationError(`${prop}.memoryRequest must not exceed ${prop}.memoryLimit (${r.memoryLimit}), got ${JSON.stringify(r.memoryRequest)}`);
  }
  return r;
}

/** The Kubernetes `resources` block for resolved resources. */
export function toResourceRequirements(r: ResolvedResources): k8s.ResourceRequirements {
  return {
    requests: { cpu: k8s.Quantity.fromString(r.cpuRequest), memory: k8s.Quantity.fromString(r.memoryRequest) },
    limits: { cpu: k8s.Quantity.fromString(r.cpuLimit), memory: k8s.Quantity.fromString(r.memoryLimit) },
  };
}
