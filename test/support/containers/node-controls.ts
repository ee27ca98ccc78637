/**
 * Faults a container can be put through besides being killed: stopped, paused (the
 * process frozen, its sockets open but silent) and cut off (taken off the cluster's
 * network, so neither its peers nor clients through its published ports reach it).
 */
import './env.js';
import { getContainerRuntimeClient, type StartedNetwork, type StartedTestContainer } from 'testcontainers';

export interface NodeControls {
  /** The node's name on the cluster network (nats-0, etcd-1, …). */
  name: string;
  container: StartedTestContainer;
  pause(): Promise<void>;
  unpause(): Promise<void>;
  /** Takes the node off the cluster network. */
  disconnect(): Promise<void>;
  /** Puts it back under its name. */
  reconnect(): Promise<void>;
  /** docker stop (SIGTERM, then SIGKILL); the container and its data stay. */
  stop(): Promise<void>;
  /** docker start of a stopped node, on the same host ports. */
  start(): Promise<void>;
}

export function nodeControls(name: string, container: StartedTestContainer, network: StartedNetwork): NodeControls {
  const docker = async () => (await getContainerRuntimeClient()).container.dockerode.getContainer(container.getId());
  const net = async () => (await getContainerRuntimeClient()).network.getById(network.getId());
  return {
    name,
    container,
    pause: async () => void (await (await docker()).pause()),
    unpause: async () => void (await (await docker()).unpause()),
    disconnect: async () => void (await (await net()).disconnect({ Container: container.getId(), Force: true })),
    reconnect: async () => void (await (await net()).connect({ Container: container.getId(), EndpointConfig: { Aliases: [name] } })),
    stop: async () => void (await (await docker()).stop({ t: 5 })),
    start: async () => void (await (await docker()).start()),
  };
}
