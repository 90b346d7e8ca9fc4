// The test harness: private containerd daemons, a registry, test images and OCI layouts.
export * from './containerd';
export * from './containerd-versions';
export * from './exit-cleanup';
export * from './fake-socket';
export * from './image-builder';
export * from './oci-layout';
export * from './processes';
export * from './push';
export * from './registry';
export * from './seed';
export * from './shared';
export { sweepStaleDaemons } from './stale-daemons';
export * from './faulty-registry';
export * from './token-server';
