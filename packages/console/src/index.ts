export { startConsoleEdge, parseListen, type ConsoleEdge, type ConsoleEdgeOptions } from './edge-server.js';
export { ensureWebBuild, webBuildIsCurrent, WEB_DIST } from './web-build.js';
export { SCAN_LIMIT } from './search-page.js';
