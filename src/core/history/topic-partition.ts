/**
 * A topic-partition as the history and the results name it: `"<topic>/<partition>"`. Topic
 * names cannot contain '/' (Kafka allows only [a-zA-Z0-9._-]), so the last '/' splits it.
 */
export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

export const tpKey = (topic: string, partition: number | string): string => `${topic}/${partition}`;

export function parseTp(key: string): TopicPartition {
  const i = key.lastIndexOf('/');
  return { topic: key.slice(0, i), partition: Number(key.slice(i + 1)) };
}

/** `"<topic>/<partition>@<offset>"`: one record of one log. */
export const recordKey = (topic: string, partition: number | string, offset: bigint | string): string => `${topic}/${partition}@${offset}`;
