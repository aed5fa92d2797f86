import { k8s } from 'cdk8s-plus-28';
import { invalidProp } from '../common/errors';
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

export function storageBackendConfig(storage: TempoStorage, localPath: string): StorageBackendConfig {
  switch (storage.backend) {
    case 'local':
      return { backend: 'local', local: { path: localPath } };
    case 'azure':
      return {
        backend: 'azure',
        azure: {
          storage_account_name: storage.storageAccountName,
          container_name: storage.containerName,
          endpoint_suffix: storage.endpointSuffix ?? 'blob.core.windows.net',
          ...(storage.auth.type === 'workloadIdentity'
            ? { use_federated_token: true }
            : { storage_account_key: `\${${AZURE_KEY_ENV}}` }),
        },
      };
    case 's3':
      return {
        backend: 's3',
        s3: {
          bucket: storage.bucket,
          endpoint: storage.endpoint,
          ...(storage.region !== undefined ? { region: storage.region } : {}),
          forcepathstyle: storage.forcePathStyle ?? false,
          insecure: storage.insecure ?? false,
          ...(storage.auth.type === 'secret'
            ? { access_key: `\${${S3_ACCESS_KEY_ENV}}`, secret_key: `\${${S3_SECRET_KEY_ENV}}` }
            : {}),
        },
      };
    case 'gcs':
      return { backend: 'gcs', gcs: { bucket_name: storage.bucketName } };
  }
}

function requireText(prop: string, value: unknown): void {
  if (typeof value !== 'string' || value.trim() === '') invalidProp(prop, 'a non-empty string', value);
}

function authType(storage: { auth?: { type?: unknown } }): unknown {
  return storage.auth?.type;
}

/** Validates a storage choice, naming the offending prop under `storage`. */
export function validateStorage(storage: TempoStorage): void {
  switch (storage.backend) {
    case 'local':
      return;
    case 'azure':
      requireText('storage.storageAccountName', storage.storageAccountName);
      requireText('storage.containerName', storage.containerName);
      if (storage.endpointSuffix !== undefined) requireText('storage.endpointSuffix', storage.endpointSuffix);
      if (storage.auth?.type === 'workloadIdentity') requireText('storage.auth.clientId', storage.auth.clientId);
      else if (storage.auth?.type === 'secret') requireText('storage.auth.secretName', storage.auth.secretName);
      else invalidProp('storage.auth.type', '"workloadIdentity" or "secret"', authType(storage));
      return;
    case 's3':
      requireText('storage.bucket', storage.bucket);
      requireText('storage.endpoint', storage.endpoint);
      if (/^[a-z]+:\/\//i.test(storage.endpoint)) {
        invalidProp('storage.endpoint', 'a host[:port] without a scheme (set storage.insecure for plain HTTP)', storage.endpoint);
      }
      if (storage.auth?.type === 'iamRole') requireText('storage.auth.roleArn', storage.auth.roleArn);
      else if (storage.auth?.type === 'secret') requireText('storage.auth.secretName', storage.auth.secretName);
      else invalidProp('storage.auth.type', '"iamRole" or "secret"', authType(storage));
      return;
    case 'gcs':
      requireText('storage.bucketName', storage.bucketName);
      if (storage.auth?.type === 'workloadIdentity') requireText('storage.auth.serviceAccount', storage.auth.serviceAccount);
      else if (storage.auth?.type === 'secret') requireText('storage.auth.secretName', storage.auth.secretName);
      else invalidProp('storage.auth.type', '"workloadIdentity" or "secret"', authType(storage));
      return;
    default:
      invalidProp('storage.backend', 'one of "local", "azure", "s3", "gcs"', (storage as { backend?: unknown }).backend);
  }
}

/** Workload-identity annotations for Tempo's ServiceAccount. */
export function serviceAccountAnnotations(storage: TempoStorage): Record<string, string> | undefined {
  if (storage.backend === 'azure' && storage.auth.type === 'workloadIdentity') {
    return { 'azure.workload.identity/client-id': storage.auth.clientId };
  }
  if (storage.backend === 's3' && storage.auth.type === 'iamRole') {
    return { 'eks.amazonaws.com/role-arn': storage.auth.roleArn };
  }
  if (storage.backend === 'gcs' && storage.auth.type === 'workloadIdentity') {
    return { 'iam.gke.io/gcp-service-account': storage.auth.serviceAccount };
  }
  return undefined;
}

/** Extra pod labels; Azure's workload identity webhook only injects tokens into labelled pods. */
export function storagePodLabels(storage: TempoStorage): Record<string, string> {
  return storage.backend === 'azure' && storage.auth.type === 'workloadIdentity' ? { 'azure.workload.identity/use': 'true' } : {};
}

/** Environment variables, volumes and mounts carrying credentials from existing Secrets. */
export function storageCredentials(storage: TempoStorage): { env: k8s.EnvVar[]; volumes: k8s.Volume[]; mounts: k8s.VolumeMount[] } {
  const fromSecret = (name: string, secretName: string, key: string): k8s.EnvVar => ({
    name,
    valueFrom: { secretKeyRef: { name: secretName, key } },
  });
  if (storage.backend === 'azure' && storage.auth.type === 'secret') {
    return { env: [fromSecret(AZURE_KEY_ENV, storage.auth.secretName, storage.auth.key ?? 'account-key')], volumes: [], mounts: [] };
  }
  if (storage.backend === 's3' && storage.auth.type === 'secret') {
    return {
      env: [
        fromSecret(S3_ACCESS_KEY_ENV, storage.auth.secretName, storage.auth.accessKeyIdKey ?? 'access-key-id'),
        fromSecret(S3_SECRET_KEY_ENV, storage.auth.secretName, storage.auth.secretAccessKeyKey ?? 'secret-access-key'),
      ],
      volumes: [],
      mounts: [],
    };
  }
  if (storage.backend === 'gcs' && storage.auth.type === 'secret') {
    const key = storage.auth.key ?? 'key.json';
    return {
      env: [{ name: 'GOOGLE_APPLICATION_CREDENTIALS', value: `${GCS_CREDENTIALS_DIR}/key.json` }],
      volumes: [{ name: 'gcs-credentials', secret: { secretName: storage.auth.secretName, items: [{ key, path: 'key.json' }] } }],
      mounts: [{ name: 'gcs-credentials', mountPath: GCS_CREDENTIALS_DIR, readOnly: true }],
    };
  }
  return { env: [], volumes: [], mounts: [] };
}
