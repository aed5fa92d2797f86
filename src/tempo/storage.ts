/**
 * Where Tempo keeps trace blocks. The write-ahead log and the metrics-generator's WAL always
 * live on the pod's data volume; this choice decides where completed blocks go.
 *
 * Credentials are never literal: they are workload identities or references to existing
 * Secrets, read by Tempo through `-config.expand-env`.
 */
export type TempoStorage = LocalStorage | AzureBlobStorage | S3Storage | GcsStorage;

/** Blocks on the StatefulSet's persistent volume. Monolithic only. */
export interface LocalStorage {
  readonly backend: 'local';
}

/** Azure Blob Storage. The container must already exist. */
export interface AzureBlobStorage {
  readonly backend: 'azure';
  /** Storage account name. */
  readonly storageAccountName: string;
  /** Blob container name (must exist). */
  readonly containerName: string;
  /**
   * Endpoint suffix of the Azure cloud.
   * @default 'blob.core.windows.net' (Azure public cloud)
   */
  readonly endpointSuffix?: string;
  /** How Tempo authenticates to the storage account. */
  readonly auth: AzureWorkloadIdentity | SecretKeyReference;
}

/**
 * Azure AD workload identity: the ServiceAccount carries the managed identity's client id and
 * the pod opts in to token injection. The identity needs "Storage Blob Data Contributor".
 */
export interface AzureWorkloadIdentity {
  readonly type: 'workloadIdentity';
  /** Client id of the user-assigned managed identity federated with Tempo's ServiceAccount. */
  readonly clientId: string;
}

/** A key read from an existing Secret in the Tempo namespace. */
export interface SecretKeyReference {
  readonly type: 'secret';
  /** Name of the existing Secret. */
  readonly secretName: string;
  /**
   * Key inside the Secret holding the Azure storage account key.
   * @default 'account-key'
   */
  readonly key?: string;
}

/** Amazon S3 or an S3-compatible store. */
export interface S3Storage {
  readonly backend: 's3';
  /** Bucket name (must exist). */
  readonly bucket: string;
  /** Endpoint host, without scheme, e.g. `s3.eu-west-1.amazonaws.com` or `minio.storage:9000`. */
  readonly endpoint: string;
  /**
   * Region of the bucket.
   * @default - none (the endpoint decides)
   */
  readonly region?: string;
  /**
   * Path-style addressing (`endpoint/bucket`), needed by most S3-compatible stores.
   * @default false
   */
  readonly forcePathStyle?: boolean;
  /**
   * Plain HTTP to the endpoint. Only for in-cluster test stores.
   * @default false
   */
  readonly insecure?: boolean;
  /** How Tempo authenticates. */
  readonly auth: S3RoleAuth | S3AccessKeySecret;
}

/** IAM role for the ServiceAccount (EKS IRSA annotation `eks.amazonaws.com/role-arn`). */
export interface S3RoleAuth {
  readonly type: 'iamRole';
  /** ARN of the IAM role. */
  readonly roleArn: string;
}

/** Access key pair read from an existing Secret. */
export interface S3AccessKeySecret {
  readonly type: 'secret';
  /** Name of the existing Secret. */
  readonly secretName: string;
  /**
   * Key holding the access key id.
   * @default 'access-key-id'
   */
  readonly accessKeyIdKey?: string;
  /**
   * Key holding the secret access key.
   * @default 'secret-access-key'
   */
  readonly secretAccessKeyKey?: string;
}

/** Google Cloud Storage. */
export interface GcsStorage {
  readonly backend: 'gcs';
  /** Bucket name (must exist). */
  readonly bucketName: string;
  /** How Tempo authenticates. */
  readonly auth: GcsWorkloadIdentity | GcsKeySecret;
}

/** GKE workload identity (ServiceAccount annotation `iam.gke.io/gcp-service-account`). */
export interface GcsWorkloadIdentity {
  readonly type: 'workloadIdentity';
  /** The Google service account email, e.g. `tempo@project.iam.gserviceaccount.com`. */
  readonly serviceAccount: string;
}

/** A service-account JSON key read from an existing Secret and mounted as a file. */
export interface GcsKeySecret {
  readonly type: 'secret';
  /** Name of the existing Secret. */
  readonly secretName: string;
  /**
   * Key holding the JSON key file.
   * @default 'key.json'
   */
  readonly key?: string;
}
