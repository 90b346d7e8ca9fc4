// OCI image-spec (and Docker schema 2, which has the same shape) JSON objects.
// Field names follow the JSON exactly so parsed documents can be typed without mapping.

export interface Platform {
  architecture: string;
  os: string;
  'os.version'?: string;
  'os.features'?: string[];
  variant?: string;
  features?: string[];
}

export interface Descriptor {
  mediaType: string;
  /** `<algorithm>:<hex>`, e.g. `sha256:…`. */
  digest: string;
  size: number;
  urls?: string[];
  annotations?: Record<string, string>;
  platform?: Platform;
  artifactType?: string;
  data?: string;
}

export interface Manifest {
  schemaVersion: 2;
  mediaType?: string;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export interface Index {
  schemaVersion: 2;
  mediaType?: string;
  artifactType?: string;
  manifests: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

/** The `config` member of an image config: defaults for a container run from the image. */
export interface ContainerConfig {
  User?: string;
  /** Keys like `80/tcp`; values are empty objects. */
  ExposedPorts?: Record<string, Record<string, never>>;
  /** `KEY=value` entries. */
  Env?: string[];
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Volumes?: Record<string, Record<string, never>>;
  WorkingDir?: string;
  Labels?: Record<string, string>;
  StopSignal?: string;
  ArgsEscaped?: boolean;
  Healthcheck?: {
    Test?: string[];
    Interval?: number;
    Timeout?: number;
    StartPeriod?: number;
    Retries?: number;
  };
  OnBuild?: string[] | null;
  Shell?: string[];
}

export interface HistoryEntry {
  created?: string;
  created_by?: string;
  author?: string;
  comment?: string;
  empty_layer?: boolean;
}

export interface RootFs {
  type: 'layers';
  /** sha256 of each layer's uncompressed tar, bottom layer first. */
  diff_ids: string[];
}

export interface ImageConfig {
  created?: string;
  author?: string;
  architecture: string;
  os: string;
  'os.version'?: string;
  'os.features'?: string[];
  variant?: string;
  config?: ContainerConfig;
  rootfs: RootFs;
  history?: HistoryEntry[];
}

/** The `index.json` of an OCI image layout is an Index. */
export type OciLayoutIndex = Index;

/** The `oci-layout` file of an OCI image layout. */
export interface OciLayoutFile {
  imageLayoutVersion: string;
}
