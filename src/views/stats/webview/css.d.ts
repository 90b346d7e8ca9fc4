// Stylesheets imported by the webview script: esbuild bundles them into dist/webview/stats.css.
declare module '*.css';
