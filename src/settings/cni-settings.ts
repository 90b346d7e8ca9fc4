// Settings of container networking (CNI): the config dir networks are read from and written to, the plugin dirs,
// and where our per-container network state lives. All machine-scoped: they decide which binaries run as root and
// which configs they get.
import * as vscode from 'vscode';
import { network, type CniOptions } from '@containerd-explorer/client';

export interface CniSettings extends CniOptions {
  confDir: string;
  binDirs: string[];
}

const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

export function cniSettings(): CniSettings {
  const config = vscode.workspace.getConfiguration('containerd');
  const confDir = config.get<unknown>('cni.confDir');
  const binDirs = (config.get<unknown>('cni.binDirs') ?? []) as unknown;
  const stateDir = config.get<unknown>('cni.stateDir');
  const dirs = Array.isArray(binDirs) ? binDirs.filter(nonEmpty).map((d) => d.trim()) : [];
  return {
    confDir: nonEmpty(confDir) ? confDir.trim() : network.DEFAULT_CNI_CONF_DIR,
    binDirs: dirs.length ? dirs : [...network.DEFAULT_CNI_BIN_DIRS],
    ...(nonEmpty(stateDir) ? { stateDir: stateDir.trim() } : {}),
  };
}
