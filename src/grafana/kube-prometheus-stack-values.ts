import { GrafanaDatasourceDefinition } from './datasources';

/** An exemplar link from kube-prometheus-stack's own Prometheus datasource to Tempo. */
export interface ExemplarTraceIdDestination {
  /** The Tempo datasource uid. */
  readonly datasourceUid: string;
  /** The exemplar label holding the trace id (`traceID` for Tempo's metrics-generator). */
  readonly traceIdLabelName: string;
  readonly urlDisplayLabel: string;
}

/**
 * Values for the kube-prometheus-stack Helm chart that complete the integration: Prometheus
 * accepting Tempo's remote write with exemplars, and, for the sidecar delivery, the Grafana
 * settings and datasource entries this integration does not provision itself.
 */
export interface KubePrometheusStackValues {
  readonly prometheus: {
    readonly prometheusSpec: {
      /** Tempo's metrics-generator remote-writes span metrics and the service graph. */
      readonly enableRemoteWriteReceiver: boolean;
      /** `exemplar-storage` keeps the trace ids Tempo sends with latency samples. */
      readonly enableFeatures: readonly string[];
    };
  };
  /** Present for the sidecar delivery (kube-prometheus-stack's Grafana). */
  readonly grafana?: {
    readonly sidecar: {
      readonly datasources?: {
        /** Uid of the chart's default Prometheus datasource, the one the dashboards query (unmanaged Prometheus). */
        readonly uid?: string;
        /** Exemplar links on the chart's default Prometheus datasource (unmanaged Prometheus). */
        readonly exemplarTraceIdDestinations?: ExemplarTraceIdDestination;
        /** Off when this integration provisions a Prometheus datasource with the same uid. */
        readonly defaultDatasourceEnabled?: boolean;
      };
      readonly dashboards: {
        /** The annotation naming a dashboard ConfigMap's folder. */
        readonly folderAnnotation: string;
        readonly provider: { readonly foldersFromFilesStructure: boolean };
      };
    };
    /**
     * Datasources for the chart's provisioning file (unmanaged Loki, with its trace links); `$`
     * already escaped as `$$`, since Grafana expands environment variables in that file.
     */
    readonly additionalDataSources?: readonly GrafanaDatasourceDefinition[];
  };
}
