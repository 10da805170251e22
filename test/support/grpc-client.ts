// A @grpc/grpc-js client for proto/pincer.proto (the file clients are given), for the gRPC tests.
import path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { repoRoot } from "./test-model";

export type PincerGrpcClient = grpc.Client & Record<string, unknown>;

export function grpcClient(address: string, credentials: grpc.ChannelCredentials, options: grpc.ChannelOptions = {}): PincerGrpcClient {
  const definition = protoLoader.loadSync(path.join(repoRoot, "proto", "pincer.proto"), { keepCase: true, defaults: true });
  const proto = grpc.loadPackageDefinition(definition) as unknown as { pincer: { v1: { Pincer: grpc.ServiceClientConstructor } } };
  return new proto.pincer.v1.Pincer(address, credentials, options) as unknown as PincerGrpcClient;
}

/** One unary call; rejects with the ServiceError (its code is the gRPC status). */
export function grpcUnary(client: PincerGrpcClient, method: string, request: unknown, metadata: grpc.Metadata, deadlineMs = 60_000): Promise<Record<string, unknown>> {
  const call = client[method] as (request: unknown, metadata: grpc.Metadata, options: grpc.CallOptions, callback: (error: grpc.ServiceError | null, answer: Record<string, unknown>) => void) => void;
  return new Promise((resolve, reject) => call.call(client, request, metadata, { deadline: Date.now() + deadlineMs }, (error, answer) => (error ? reject(error) : resolve(answer))));
}

/** All messages of a server-streamed call, or its error. */
export function grpcStream<T>(client: PincerGrpcClient, method: string, request: unknown, metadata: grpc.Metadata): Promise<T[]> {
  const stream = (client[method] as (request: unknown, metadata: grpc.Metadata) => grpc.ClientReadableStream<T>).call(client, request, metadata);
  const messages: T[] = [];
  return new Promise((resolve, reject) => {
    stream.on("data", (message: T) => messages.push(message));
    stream.on("end", () => resolve(messages));
    stream.on("error", reject);
  });
}
