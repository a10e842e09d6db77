/**
 * Which images a drill runs. Official images (apache/kafka, ghcr.io/shopify/toxiproxy) win when
 * present locally; otherwise the equivalents `npm run setup` builds offline from docker/.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DrillError } from '../../core/errors.ts';
import type { ContainerRuntimeClient } from 'testcontainers';
import { compareReleases } from '../../core/kafka/kafka-release.ts';
import type { KafkaImage } from './java-command.ts';

const versionsFile = fileURLToPath(new URL('../../../docker/versions.env', import.meta.url));

export function readVersions(): { kafka: string; testKafka: string[]; toxiproxy: string } {
  const vars = Object.fromEntries(
    readFileSync(versionsFile, 'utf8')
      .split('\n')
      .map((l) => /^([A-Z_]+)=(.*)$/.exec(l.trim()))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1], m[2]]),
  );
  return { kafka: vars.KAFKA_VERSION ?? '', testKafka: (vars.TEST_KAFKA_VERSIONS ?? '').split(/\s+/).filter(Boolean), toxiproxy: vars.TOXIPROXY_VERSION ?? '' };
}

export interface ResolvedImages {
  /** The image of a Kafka release the cells run (undefined: the default release). */
  kafka(version: string | undefined): KafkaImage;
  /** Every Kafka image of the run, for its environment line. */
  readonly kafkaImages: readonly KafkaImage[];
  readonly toxiproxy: string;
}

async function firstPresent(client: ContainerRuntimeClient, candidates: readonly string[]): Promise<string | null> {
  for (const name of candidates) {
    const exists = await client.container.dockerode.getImage(name).inspect().then(() => true, () => false);
    if (exists) return name;
  }
  return null;
}

/**
 * The images of every Kafka release the cells run (brokers and MM2) and Toxiproxy's. An explicit
 * `kafka.image` is the image of its cell's `kafka.version` (without one, of the default release:
 * the harness configures logging and properties by release). Every missing image is named at
 * once, with the setup command that builds them all.
 */
export async function resolveImages(
  client: ContainerRuntimeClient,
  wanted: {
    versions: readonly (string | undefined)[];
    /** The cells' `kafka.image`, each the image of its cell's `kafka.version`. */
    explicit: readonly { version: string | undefined; image: string }[];
    /** false: external clusters, no broker or MM2 runs here. */
    kafka?: boolean;
  },
): Promise<ResolvedImages> {
  const v = readVersions();
  const versions = [...new Set(wanted.versions.map((x) => x ?? v.kafka))].sort(compareReleases);
  const setup = (missing: readonly string[]) => `run \`npx mm2-drill setup${missing.some((m) => m !== v.kafka) ? ` --kafka ${missing.join(',')}` : ''}\` (it pulls the official image or builds an equivalent offline; \`setup <scenario>\` builds every release a scenario runs)`;
  const images = new Map<string, KafkaImage>();
  if (wanted.kafka !== false) {
    const missing: string[] = [];
    for (const version of versions) {
      const explicit = wanted.explicit.find((e) => (e.version ?? v.kafka) === version);
      const own = explicit ? [explicit.image] : [`apache/kafka:${version}`, `mm2-drill/kafka:${version}`];
      const name = await firstPresent(client, own);
      if (name) images.set(version, { name, version });
      else missing.push(version);
    }
    if (missing.length) {
      throw new DrillError('IMAGE_MISSING', `no image of Kafka ${missing.join(', ')} exists locally (looked for ${wanted.explicit.map((e) => `${e.image}, `).join('')}apache/kafka:<version> and mm2-drill/kafka:<version>)`, { fix: setup(missing) });
    }
  }
  const toxiproxy = [`ghcr.io/shopify/toxiproxy:${v.toxiproxy}`, `mm2-drill/toxiproxy:${v.toxiproxy}`];
  const toxiproxyImage = await firstPresent(client, toxiproxy);
  if (!toxiproxyImage) throw new DrillError('IMAGE_MISSING', `no Toxiproxy image: none of ${toxiproxy.join(', ')} exists locally`, { fix: setup([]) });
  return {
    kafka: (version) => {
      const image = images.get(version ?? v.kafka);
      if (!image) throw new Error(`Kafka ${version ?? v.kafka} was not resolved before the run`);
      return image;
    },
    kafkaImages: [...images.values()],
    toxiproxy: toxiproxyImage,
  };
}
