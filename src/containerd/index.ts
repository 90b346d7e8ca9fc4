// Public API of the client layer, bundled as dist/client.js.
export {};
