/**
 * Classifies a failed produce request (Jepsen style). Only errors that prove the broker did not
 * append the batch are definite failures; a timeout, a dead connection or exhausted retries
 * may hide a successful write, so those are indeterminate and never counted lost or skipped.
 */
const definitelyNotWritten = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_TOPIC_EXCEPTION',
  // The authorizer answers before anything is appended: no WRITE on the topic, or — for an
  // idempotent or transactional producer's InitProducerId — no WRITE on any topic (KIP-679).
  'TOPIC_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
  'INVALID_REQUIRED_ACKS',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
  'NOT_ENOUGH_REPLICAS', // rejected before the append (NOT_ENOUGH_REPLICAS_AFTER_APPEND is not)
]);

export interface ProduceErrorInfo {
  /** Kafka error type names found along the error and its causes (e.g. `NOT_LEADER_OR_FOLLOWER`). */
  readonly kafkaErrorTypes: readonly string[];
}

export const produceOutcome = (e: ProduceErrorInfo): 'fail' | 'indeterminate' =>
  e.kafkaErrorTypes.length > 0 && e.kafkaErrorTypes.every((t) => definitelyNotWritten.has(t)) ? 'fail' : 'indeterminate';
