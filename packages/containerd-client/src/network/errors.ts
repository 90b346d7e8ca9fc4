// Typed errors of container networking (CNI). Each extends the matching ContainerdError class, so callers that switch
// on `code` keep working, and each message says what to do about it.
import {
  AlreadyExistsError, FailedPreconditionError, InvalidArgumentError, NotFoundError, PermissionDeniedError, UnknownError,
} from '../errors';

/** A CNI plugin binary the network needs is in none of the plugin directories. */
export class CniPluginsMissingError extends FailedPreconditionError {
  constructor(readonly plugins: string[], readonly binDirs: readonly string[]) {
    super(`CNI plugin${plugins.length > 1 ? 's' : ''} ${plugins.map((p) => `"${p}"`).join(', ')} not found in ${binDirs.join(' or ')}: `
      + "install Debian's containernetworking-plugins package (apt-get install containernetworking-plugins), or set containerd.cni.binDirs to where they are");
  }
}

/** iptables, which portmap and firewall run, is not installed. */
export class IptablesMissingError extends FailedPreconditionError {
  constructor(plugin: string, options?: { cause?: unknown }) {
    super(`CNI plugin "${plugin}" needs iptables, which is not installed: install it (apt-get install iptables)`, options);
  }
}

/** Another container already publishes the host port, or a process listens on it. */
export class HostPortInUseError extends AlreadyExistsError {
  constructor(readonly port: number, readonly protocol: string, why: string) {
    super(`host port ${port}/${protocol} is ${why}: choose another host port`);
  }
}

/** A subnet overlaps an existing network or a route of the host. */
export class SubnetOverlapError extends InvalidArgumentError {}

/** No CNI network of that name in the config directory. */
export class UnknownNetworkError extends NotFoundError {
  constructor(readonly network: string, confDir: string, known: string[]) {
    super(`network "${network}" not found in ${confDir}${known.length ? ` (known: ${known.join(', ')})` : ''}: create it first, or pick another`);
  }
}

/** Setting up the network needs CAP_NET_ADMIN (root), which this process lacks. */
export class NetworkPermissionError extends PermissionDeniedError {
  constructor(what: string, options?: { cause?: unknown }) {
    super(`${what}: operation not permitted; container networking needs root (CAP_NET_ADMIN): run VS Code as root or use network "host" or "none"`, options);
  }
}

/** A network still has containers attached. */
export class NetworkInUseError extends FailedPreconditionError {
  constructor(readonly network: string, readonly containers: string[]) {
    super(`network "${network}" is used by ${containers.length === 1 ? 'container' : 'containers'} ${containers.join(', ')}: delete ${containers.length === 1 ? 'it' : 'them'} first`);
  }
}

/** A CNI plugin exited with an error (its own CNI error code and message). */
export class CniPluginError extends UnknownError {
  constructor(readonly plugin: string, readonly command: string, readonly cniCode: number | undefined, readonly detail: string, options?: { cause?: unknown }) {
    super(`CNI plugin "${plugin}" failed on ${command}: ${detail}`, options);
  }
}
