import { k8s } from 'cdk8s-plus-28';
import { invalidProp } from '../common/errors';
import { FORMATS, Format, checkFormat } from '../common/formats';
import { TempoStorage } from './storage';

// Environment variables carrying credentials from existing Secrets; tempo.yaml references them
// as ${VAR}, expanded by `-config.expand-env=true`, so no key is ever written to a manifest.
export const AZURE_KEY_ENV = 'TEMPO_AZURE_STORAGE_ACCOUNT_KEY';
export const S3_ACCESS_KEY_ENV = 'TEMPO_S3_ACCESS_KEY_ID';
export const S3_SECRET_KEY_ENV = 'TEMPO_S3_SECRET_ACCESS_KEY';
const GCS_CREDENTIALS_DIR = '/var/secrets/gcs';

/** `storage.trace` backend keys (azure/s3/gcs tags as at the pinned Tempo versions). */
export type StorageBackendConfig =
  | { readonly backend: 'local'; readonly local: { readonly path: string } }
  | {
    readonly backend: 'azure';
    readonly azure: {
      readonly storage_account_name: string;
      readonly container_name: string;
      readonly endpoint_suffix: string;
      readonly use_federated_token?: boolean;
      readonly storage_account_key?: string;
    };
  }
  | {
    readonly backend: 's3';
    readonly s3: {
      readonly bucket: string;
      readonly endpoint: string;
      readonly region?: string;
      readonly forcepathstyle: boolean;
      readonly insecure: boolean;
      readonly access_key?: string;
      readonly secret_key?: string;
    };
  }
  | { readonly backend: 'gcs'; readonly gcs: { readonly bucket_name: string } };

/** Everything a storage choice puts into tempo.yaml and the pod. */
export interface StorageWiring {
  readonly config: StorageBackendConfig;
  /** Workload-identity annotations for Tempo's ServiceAccount. */
  readonly serviceAccountAnnotations?: Record<string, string>;
  readonly podLabels: Record<string, string>;
  readonly env: k8s.EnvVar[];
  readonly volumes: k8s.Volume[];
  readonly mounts: k8s.VolumeMount[];
}

/** Wiring fields of a choice that adds nothing to the pod (fresh objects for each call). */
function nothing(): Pick<StorageWiring, 'podLabels' | 'env' | 'volumes' | 'mounts'> {
  return { podLabels: {}, env: [], volumes: [], mounts: [] };
}

function secretEnv(name: string, secretName: string, key: string): k8s.EnvVar {
  return { name, valueFrom: { secretKeyRef: { name: secretName, key } } };
}

/** Refuses an unknown `auth.type` (possible from JavaScript or a cast). */
function authType(prop: string, auth: { type?: unknown } | undefined, allowed: readonly string[]): void {
  const type = auth?.type;
  if (typeof type !== 'string' || !allowed.includes(type)) invalidProp(`${prop}.type`, allowed.map((a) => `"${a}"`).join(' or '), type);
}

function optionalFormat(prop: string, value: string | undefined, f: Format): void {
  if (value !== undefined) checkFormat(prop, value, f);
}

/** Validates a storage choice (naming the offending prop under `storage`) and derives its wiring. */
export function storageWiring(storage: TempoStorage, localPath: string): StorageWiring {
  switch (storage.backend) {
    case 'local':
      return { config: { backend: 'local', local: { path: localPath } }, ...nothing() };

    case 'azure': {
      checkFormat('storage.storageAccountName', storage.storageAccountName, FORMATS.azureStorageAccount);
      checkFormat('storage.containerName', storage.containerName, FORMATS.azureContainer);
      optionalFormat('storage.endpointSuffix', storage.endpointSuffix, FORMATS.hostname);
      const azure = {
        storage_account_name: storage.storageAccountName,
        container_name: storage.containerName,
        endpoint_suffix: storage.endpointSuffix ?? 'blob.core.windows.net',
      };
      authType('storage.auth', storage.auth, ['workloadIdentity', 'secret']);
      if (storage.auth.type === 'workloadIdentity') {
        checkFormat('storage.auth.clientId', storage.auth.clientId, FORMATS.uuid);
        return {
          ...nothing(),
          config: { backend: 'azure', azure: { ...azure, use_federated_token: true } },
          serviceAccountAnnotations: { 'azure.workload.identity/client-id': storage.auth.clientId },
          // The workload identity webhook only injects the federated token into labelled pods.
          podLabels: { 'azure.workload.identity/use': 'true' },
        };
      }
      const auth = storage.auth;
      checkFormat('storage.auth.secretName', auth.secretName, FORMATS.dnsSubdomain);
      optionalFormat('storage.auth.key', auth.key, FORMATS.secretKey);
      return {
        config: { backend: 'azure', azure: { ...azure, storage_account_key: `\${${AZURE_KEY_ENV}}` } },
        ...nothing(),
        env: [secretEnv(AZURE_KEY_ENV, auth.secretName, auth.key ?? 'account-key')],
      };
    }

    case 's3': {
      checkFormat('storage.bucket', storage.bucket, FORMATS.bucket);
      checkFormat('storage.endpoint', storage.endpoint, FORMATS.hostPort);
      optionalFormat('storage.region', storage.region, FORMATS.awsRegion);
      const s3 = {
        bucket: storage.bucket,
        endpoint: storage.endpoint,
        ...(storage.region !== undefined ? { region: storage.region } : {}),
        forcepathstyle: storage.forcePathStyle ?? false,
        insecure: storage.insecure ?? false,
      };
      authType('storage.auth', storage.auth, ['iamRole', 'secret']);
      if (storage.auth.type === 'iamRole') {
        checkFormat('storage.auth.roleArn', storage.auth.roleArn, FORMATS.iamRoleArn);
        return {
          config: { backend: 's3', s3 },
          serviceAccountAnnotations: { 'eks.amazonaws.com/role-arn': storage.auth.roleArn },
          ...nothing(),
        };
      }
      const auth = storage.auth;
      checkFormat('storage.auth.secretName', auth.secretName, FORMATS.dnsSubdomain);
      optionalFormat('storage.auth.accessKeyIdKey', auth.accessKeyIdKey, FORMATS.secretKey);
      optionalFormat('storage.auth.secretAccessKeyKey', auth.secretAccessKeyKey, FORMATS.secretKey);
      return {
        config: { backend: 's3', s3: { ...s3, access_key: `\${${S3_ACCESS_KEY_ENV}}`, secret_key: `\${${S3_SECRET_KEY_ENV}}` } },
        ...nothing(),
        env: [
          secretEnv(S3_ACCESS_KEY_ENV, auth.secretName, auth.accessKeyIdKey ?? 'access-key-id'),
          secretEnv(S3_SECRET_KEY_ENV, auth.secretName, auth.secretAccessKeyKey ?? 'secret-access-key'),
        ],
      };
    }

    case 'gcs': {
      checkFormat('storage.bucketName', storage.bucketName, FORMATS.bucket);
      const config: StorageBackendConfig = { backend: 'gcs', gcs: { bucket_name: storage.bucketName } };
      authType('storage.auth', storage.auth, ['workloadIdentity', 'secret']);
      if (storage.auth.type === 'workloadIdentity') {
        checkFormat('storage.auth.serviceAccount', storage.auth.serviceAccount, FORMATS.gcpServiceAccount);
        return { config, serviceAccountAnnotations: { 'iam.gke.io/gcp-service-account': storage.auth.serviceAccount }, ...nothing() };
      }
      const auth = storage.auth;
      checkFormat('storage.auth.secretName', auth.secretName, FORMATS.dnsSubdomain);
      optionalFormat('storage.auth.key', auth.key, FORMATS.secretKey);
      return {
        ...nothing(),
        config,
        // Google's client libraries read the key file named here.
        env: [{ name: 'GOOGLE_APPLICATION_CREDENTIALS', value: `${GCS_CREDENTIALS_DIR}/key.json` }],
        volumes: [{ name: 'gcs-credentials', secret: { secretName: auth.secretName, items: [{ key: auth.key ?? 'key.json', path: 'key.json' }] } }],
        mounts: [{ name: 'gcs-credentials', mountPath: GCS_CREDENTIALS_DIR, readOnly: true }],
      };
    }

    default:
      return invalidProp('storage.backend', 'one of "local", "azure", "s3", "gcs"', (storage as { backend?: unknown }).backend);
  }
}
