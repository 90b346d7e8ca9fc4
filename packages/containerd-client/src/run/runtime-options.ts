// Runtime options of a container record. Only runc's `root` is offered: where runc keeps its state (default
// /run/containerd/runc), e.g. for a rootless or private containerd. Encoded by hand: our protos carry no
// runtime option types, and `containerd.runc.v1.Options` has `string root = 7`.
import * as protobuf from 'protobufjs';

export const RUNC_OPTIONS_TYPE_URL = 'containerd.runc.v1.Options';

/** Whether `runtime` is a runc shim (the only ones that read runc Options). */
export function isRuncRuntime(runtime: string): boolean {
  return runtime === 'io.containerd.runc.v2' || runtime === 'io.containerd.runc.v1';
}

export function runcRootOptions(root: string): { typeUrl: string; value: Uint8Array } {
  return { typeUrl: RUNC_OPTIONS_TYPE_URL, value: protobuf.Writer.create().uint32((7 << 3) | 2).string(root).finish() };
}
