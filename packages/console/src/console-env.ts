/**
 * What the console on its own (src/main.ts, the compose stack's) reads from its
 * environment, parsed once by @esi/config's parser like the services' settings.
 */
import { DEFAULT_API_ADDR, parsers, type Spec } from '@esi/config';

export interface ConsoleEnv {
  apiAddr: string;
  listen: string;
  spanFile: string;
  jaegerUrl: string;
  jaegerUiUrl: string;
  apiTls: boolean;
  apiCaFile: string;
  webRoot: string;
}

export const consoleSpec: Spec<ConsoleEnv> = {
  apiAddr: { env: 'ESI_API_ADDR', default: DEFAULT_API_ADDR, parse: parsers.hostPort, doc: "the api's gRPC address" },
  listen: { env: 'ESI_CONSOLE_ADDR', default: '127.0.0.1:50080', parse: parsers.hostPort, doc: 'where the console listens' },
  spanFile: { env: 'ESI_CONSOLE_SPAN_FILE', default: '', parse: parsers.string, doc: 'a span file to read traces from (as pnpm start keeps them)' },
  jaegerUrl: { env: 'ESI_JAEGER_URL', default: '', parse: parsers.string, doc: 'a Jaeger query service to read traces from instead' },
  jaegerUiUrl: { env: 'ESI_JAEGER_UI_URL', default: '', parse: parsers.string, doc: 'Jaeger as browsers reach it, for links (unset: ESI_JAEGER_URL)' },
  apiTls: { env: 'ESI_CONSOLE_API_TLS', default: false, parse: parsers.bool, doc: 'reach the api over TLS (on as well when ESI_API_CA is set)' },
  apiCaFile: { env: 'ESI_API_CA', default: '', parse: parsers.string, doc: "PEM file of the api's CA" },
  webRoot: { env: 'ESI_CONSOLE_WEB_ROOT', default: '', parse: parsers.string, doc: 'a front end built beforehand (the image has one): served as it is, nothing is built at start' },
};
