/**
 * A generic gRPC client, as grpcurl or a client in another language would be: it knows
 * nothing of this repository's protos or generated code. It asks the server's reflection
 * service for the file descriptors (gRPC server reflection v1, whose few messages any
 * such client carries built in), builds protobufjs types from them, calls methods by
 * name with plain objects, and reads errors only through the standard error model: the
 * google.rpc.Status in grpc-status-details-bin, its Any details resolved by reflection.
 */
import { Client, credentials, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import * as descriptor from 'protobufjs/ext/descriptor/index.js';

/** The reflection protocol (grpc/reflection/v1/reflection.proto), only the fields used here. */
const REFLECTION_PROTO = `
syntax = "proto3";
package grpc.reflection.v1;
message ServerReflectionRequest {
  string host = 1;
  oneof message_request {
    string file_by_filename = 3;
    string file_containing_symbol = 4;
    string list_services = 7;
  }
}
message ServerReflectionResponse {
  string valid_host = 1;
  oneof message_response {
    FileDescriptorResponse file_descriptor_response = 4;
    ListServiceResponse list_services_response = 6;
    ErrorResponse error_response = 7;
  }
}
message FileDescriptorResponse { repeated bytes file_descriptor_proto = 1; }
message ListServiceResponse { repeated ServiceResponse service = 1; }
message ServiceResponse { string name = 1; }
message ErrorResponse { int32 error_code = 1; string error_message = 2; }
`;
const reflection = protobuf.parse(REFLECTION_PROTO, { keepCase: false }).root;
const ReflectionRequest = reflection.lookupType('grpc.reflection.v1.ServerReflectionRequest');
const ReflectionResponse = reflection.lookupType('grpc.reflection.v1.ServerReflectionResponse');
const REFLECTION_METHOD = '/grpc.reflection.v1.ServerReflection/ServerReflectionInfo';

type Json = { [key: string]: unknown };
interface ReflectionAnswer {
  fileDescriptorResponse?: { fileDescriptorProto: Uint8Array[] };
  listServicesResponse?: { service: { name: string }[] };
  errorResponse?: { errorCode: number; errorMessage: string };
}

/**
 * Plain objects as protojson-like values: fields by their JSON names (protobufjs takes
 * them from the descriptors), enums by name, 64-bit integers as numbers, every field present.
 */
const TO_OBJECT: protobuf.IConversionOptions = { enums: String, longs: Number, defaults: true, arrays: true, objects: true, oneofs: true };

export class ReflectionClient {
  private readonly client: Client;
  private readonly files = new Map<string, descriptor.IFileDescriptorProto>();
  private root: protobuf.Root | undefined;

  constructor(addr: string) {
    this.client = new Client(addr, credentials.createInsecure());
  }

  close(): void {
    this.client.close();
  }

  /** The services the server lists through reflection. */
  async listServices(): Promise<string[]> {
    const [answer] = await this.ask([{ listServices: '' }]);
    return (answer?.listServicesResponse?.service ?? []).map((s) => s.name);
  }

  /**
   * Fetches, through reflection, the files defining these symbols and every file they
   * import, and builds the types from them.
   */
  async load(symbols: string[]): Promise<void> {
    let wanted: Json[] = symbols.map((s) => ({ fileContainingSymbol: s }));
    while (wanted.length > 0) {
      const answers = await this.ask(wanted);
      wanted = [];
      for (const a of answers) {
        if (a.errorResponse) throw new Error(`reflection: ${a.errorResponse.errorMessage}`);
        for (const bytes of a.fileDescriptorResponse?.fileDescriptorProto ?? []) {
          const file = descriptor.FileDescriptorProto.decode(bytes) as unknown as descriptor.IFileDescriptorProto;
          this.files.set(file.name!, file);
        }
      }
      const missing = new Set([...this.files.values()].flatMap((f) => f.dependency ?? []).filter((d) => !this.files.has(d)));
      wanted = [...missing].map((name) => ({ fileByFilename: name }));
    }
    // ext/descriptor adds Root.fromDescriptor at run time; its typings do not declare it on Root.
    const { fromDescriptor } = protobuf.Root as unknown as { fromDescriptor(set: descriptor.IFileDescriptorSet): protobuf.Root };
    const root = fromDescriptor.call(protobuf.Root, { file: [...this.files.values()] });
    root.resolveAll();
    this.root = root;
  }

  /** A message type by its full name, from the loaded descriptors. */
  type(name: string): protobuf.Type {
    if (!this.root) throw new Error('load() first');
    return this.root.lookupType(name);
  }

  private method(service: string, name: string): { path: string; req: protobuf.Type; res: protobuf.Type } {
    if (!this.root) throw new Error('load() first');
    const m = this.root.lookupService(service).methods[name];
    if (!m) throw new Error(`${service} has no method ${name}`);
    m.resolve();
    return { path: `/${service}/${name}`, req: m.resolvedRequestType!, res: m.resolvedResponseType! };
  }

  /** A unary call by name; the answer as a plain object, or the call's ServiceError. */
  unary(service: string, name: string, request: Json): Promise<Json> {
    const { path, req, res } = this.method(service, name);
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(
        path,
        (v: Json) => Buffer.from(req.encode(req.fromObject(v)).finish()),
        (b: Buffer) => res.toObject(res.decode(b), TO_OBJECT),
        request,
        (err, value) => (err ? reject(err) : resolve(value!)),
      );
    });
  }

  /** A server-streaming call by name. */
  stream(service: string, name: string, request: Json): ClientReadableStream<Json> {
    const { path, req, res } = this.method(service, name);
    return this.client.makeServerStreamRequest(
      path,
      (v: Json) => Buffer.from(req.encode(req.fromObject(v)).finish()),
      (b: Buffer) => res.toObject(res.decode(b), TO_OBJECT),
      request,
    );
  }

  /**
   * The standard error model of a failed call: the google.rpc.Status of its trailers, with
   * each Any detail decoded by the type its URL names (loaded through reflection).
   */
  errorStatus(err: ServiceError): { code: number; message: string; details: { type: string; value: Json }[] } {
    const raw = err.metadata.get('grpc-status-details-bin')[0];
    if (!Buffer.isBuffer(raw)) throw new Error(`no grpc-status-details-bin in the trailers of: ${err.message}`);
    const statusType = this.type('google.rpc.Status');
    // Any's field is typeUrl or type_url, as the descriptor served for any.proto names its JSON name or not.
    const status = statusType.decode(raw) as unknown as { code: number; message: string; details: { typeUrl?: string; type_url?: string; value: Uint8Array }[] };
    return {
      code: status.code,
      message: status.message,
      details: status.details.map((d) => {
        const type = (d.typeUrl ?? d.type_url ?? '').replace(/^.*\//, '');
        const t = this.type(type);
        return { type, value: t.toObject(t.decode(d.value), TO_OBJECT) };
      }),
    };
  }

  /** Sends the requests on one reflection stream and collects one answer for each. */
  private ask(requests: Json[]): Promise<ReflectionAnswer[]> {
    return new Promise((resolve, reject) => {
      const answers: ReflectionAnswer[] = [];
      const call = this.client.makeBidiStreamRequest(
        REFLECTION_METHOD,
        (v: Json) => Buffer.from(ReflectionRequest.encode(ReflectionRequest.fromObject(v)).finish()),
        (b: Buffer) => ReflectionResponse.toObject(ReflectionResponse.decode(b), { defaults: false, arrays: true }) as ReflectionAnswer,
      );
      call.on('data', (a: ReflectionAnswer) => {
        answers.push(a);
        if (answers.length === requests.length) call.end();
      });
      call.on('error', reject);
      call.on('end', () => resolve(answers));
      for (const r of requests) call.write(r);
      if (requests.length === 0) call.end();
    });
  }
}

/**
 * JSON as a google.protobuf.Struct message object, the protojson mapping a generic client's
 * JSON layer does (field names are the descriptors' JSON names, lowerCamelCase).
 */
export function toStruct(json: Json): Json {
  // protobufjs builds a map field read from a descriptor as its wire form: repeated entries.
  return { fields: Object.entries(json).map(([key, v]) => ({ key, value: toValue(v) })) };
}

function toValue(v: unknown): Json {
  if (v === null || v === undefined) return { nullValue: 'NULL_VALUE' };
  if (typeof v === 'number') return { numberValue: v };
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (Array.isArray(v)) return { listValue: { values: v.map(toValue) } };
  return { structValue: toStruct(v as Json) };
}

/** A google.protobuf.Struct message object back as JSON. */
export function fromStruct(s: unknown): Json | undefined {
  if (!s || typeof s !== 'object') return undefined;
  const fields = (s as { fields?: { key: string; value: Json }[] }).fields ?? [];
  return Object.fromEntries(fields.map(({ key, value }) => [key, fromValue(value)]));
}

export function fromValue(v: Json | null | undefined): unknown {
  if (!v) return undefined;
  // toObject with oneofs: true names the member of Value's oneof "kind" that is set.
  switch (v.kind) {
    case 'structValue':
      return fromStruct(v.structValue);
    case 'listValue':
      return ((v.listValue as { values?: Json[] }).values ?? []).map(fromValue);
    case 'nullValue':
    case undefined:
      return null;
    default:
      return v[v.kind as string];
  }
}
