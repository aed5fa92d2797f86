/**
 * The Rocket.Chat workloads the official RocketChat Helm chart deploys, each running
 * Rocket.Chat's own tracer under a fixed `service.name`.
 */
export type RocketChatWorkload = 'core' | 'presence' | 'ddp-streamer' | 'account' | 'authorization' | 'stream-hub';

export interface RocketChatWorkloadInfo {
  /** `service.name` on its spans (set by Rocket.Chat; cannot be changed). */
  readonly serviceName: string;
  /** Deployment name for a Helm release. */
  readonly deploymentName: (release: string) => string;
  /** The container running Rocket.Chat. */
  readonly containerName: string;
  /** `app.kubernetes.io/name` on its pods. */
  readonly podNameLabel: (release: string) => string;
  /** Key under `microservices` in the chart's values; undefined for the core. */
  readonly valuesKey?: string;
}

// RocketChat/helm-charts `rocketchat` (chart 7.x): chat-deployment.yaml and
// microservices-*-deployment.yaml. The core is named after the chart's fullname, the
// microservices after the release, and their pods carry distinct `app.kubernetes.io/name`s.
export const WORKLOADS: Readonly<Record<RocketChatWorkload, RocketChatWorkloadInfo>> = {
  // The chart's fullname: "<release>-rocketchat" cut to 63 characters, without a trailing "-".
  'core': { serviceName: 'core', deploymentName: (r) => `${r}-rocketchat`.slice(0, 63).replace(/-+$/, ''), containerName: 'rocketchat', podNameLabel: () => 'rocketchat' },
  'presence': microservice('presence', 'presence-service', 'presence'),
  'ddp-streamer': microservice('ddp-streamer', 'ddp-streamer', 'ddpStreamer'),
  'account': microservice('account', 'account-service', 'account'),
  'authorization': microservice('authorization', 'authorization-service', 'authorization'),
  // Off by default in the chart, which refuses it for Rocket.Chat 8.
  'stream-hub': { ...microservice('stream-hub', 'stream-hub', 'streamHub'), serviceName: 'stream-hub-service' },
};

function microservice(suffix: string, containerAndService: string, valuesKey: string): RocketChatWorkloadInfo {
  return {
    serviceName: containerAndService,
    deploymentName: (r) => `${r}-${suffix}`,
    containerName: containerAndService,
    podNameLabel: (r) => `${r}-${suffix}`,
    valuesKey,
  };
}

export const ALL_WORKLOADS = Object.keys(WORKLOADS) as RocketChatWorkload[];

/** What the chart runs by default (microservices.enabled: true; stream-hub off). */
export const DEFAULT_WORKLOADS: readonly RocketChatWorkload[] = ['core', 'presence', 'ddp-streamer', 'account', 'authorization'];

/** Rocket.Chat services with a tracer that the chart does not deploy. */
export const SERVICES_OUTSIDE_THE_CHART = ['queue-worker', 'omnichannel-transcript'] as const;
