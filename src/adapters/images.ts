/**
 * Which images a drill runs. Official images (apache/kafka, ghcr.io/shopify/toxiproxy) win when
 * present locally; otherwise the equivalents `npm run setup` builds offline from docker/.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DrillError } from '../core/errors.ts';
import type { ContainerRuntimeClient } from 'testcontainers';

const versionsFile = fileURLToPath(new URL('../../docker/versions.env', import.meta.url));

export function readVersions(): { kafka: string; toxiproxy: string } {
  const vars = Object.fromEntries(
    readFileSync(versionsFile, 'utf8')
      .split('\n')
      .map((l) => /^([A-Z_]+)=(.*)$/.exec(l.trim()))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1], m[2]]),
  );
  return { kafka: vars.KAFKA_VERSION ?? '', toxiproxy: vars.TOXIPROXY_VERSION ?? '' };
}

export interface ResolvedImages {
  readonly kafka: string;
  readonly kafkaVersion: string;
  readonly toxiproxy: string;
}

async function firstPresent(client: ContainerRuntimeClient, candidates: readonly string[], what: string): Promise<string> {
  for (const name of candidates) {
    const exists = await client.container.dockerode.getImage(name).inspect().then(() => true, () => false);
    if (exists) return name;
  }
  throw new DrillError('IMAGE_MISSING', `no ${what} image: none of ${candidates.join(', ')} exists locally`, {
    fix: 'run `npx mm2-drill setup` (it pulls the official image or builds an equivalent offline)',
  });
}

export async function resolveImages(
  client: ContainerRuntimeClient,
  wanted: { kafkaVersion?: string | undefined; kafkaImage?: string | undefined; /** false: external clusters, no broker or MM2 runs here. */ kafka?: boolean },
): Promise<ResolvedImages> {
  const v = readVersions();
  const kafkaVersion = wanted.kafkaVersion ?? v.kafka;
  const kafkaCandidates = wanted.kafkaImage ? [wanted.kafkaImage] : [`apache/kafka:${kafkaVersion}`, `mm2-drill/kafka:${kafkaVersion}`];
  return {
    kafka: wanted.kafka === false ? 'none (external clusters)' : await firstPresent(client, kafkaCandidates, 'Kafka'),
    kafkaVersion: wanted.kafka === false ? 'unknown (external clusters)' : kafkaVersion,
    toxiproxy: await firstPresent(client, [`ghcr.io/shopify/toxiproxy:${v.toxiproxy}`, `mm2-drill/toxiproxy:${v.toxiproxy}`], 'Toxiproxy'),
  };
}
