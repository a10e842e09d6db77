/**
 * Errors with stable codes. Every failure the user can act on names the problem and the fix;
 * the exit code tells CI which kind of failure it was (see docs/cli.md "Exit codes").
 */
export const ExitCode = {
  /** Every cell ran and every check held. */
  ok: 0,
  /** The drill ran but a threshold or a consistency check failed (the numbers are in results.json). */
  checksFailed: 1,
  /** The scenario file or command line is invalid; nothing was started. */
  invalidInput: 2,
  /**
   * The environment is not usable: no Docker engine, image missing, not enough memory, no javac
   * for a policy source. (Ports cannot collide: every host port is chosen by Docker.)
   */
  environment: 3,
  /** The drill could not complete: a bounded wait expired or the harness hit a bug. */
  drillFailed: 4,
  /** Interrupted by SIGINT/SIGTERM; partial results were written. */
  interrupted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export type ErrorCode =
  | 'SCENARIO_INVALID'
  | 'SCENARIO_LOAD'
  | 'USAGE'
  | 'MERGE_MISMATCH'
  | 'COMPARE_MISMATCH'
  | 'RUN_DIR_INVALID'
  | 'DOCKER_UNREACHABLE'
  | 'CLUSTER_UNREACHABLE'
  | 'IMAGE_MISSING'
  | 'NOT_ENOUGH_MEMORY'
  | 'NOT_ENOUGH_CORES'
  | 'PRODUCER_HOSTS_MISSING'
  | 'CLOCK_UNCERTAIN'
  | 'HOST_PASSWORD_UNSET'
  | 'JAVAC_MISSING'
  | 'POLICY_COMPILE'
  | 'WAIT_TIMEOUT'
  | 'FAULT_FAILED'
  | 'UNEXPECTED'
  | 'TASK_FAILED'
  | 'STEP_FAILED'
  | 'INTERRUPTED';

const exitCodeOf: Record<ErrorCode, ExitCodeValue> = {
  SCENARIO_INVALID: ExitCode.invalidInput,
  SCENARIO_LOAD: ExitCode.invalidInput,
  USAGE: ExitCode.invalidInput,
  MERGE_MISMATCH: ExitCode.invalidInput,
  COMPARE_MISMATCH: ExitCode.invalidInput,
  RUN_DIR_INVALID: ExitCode.invalidInput,
  DOCKER_UNREACHABLE: ExitCode.environment,
  CLUSTER_UNREACHABLE: ExitCode.environment,
  IMAGE_MISSING: ExitCode.environment,
  NOT_ENOUGH_MEMORY: ExitCode.environment,
  NOT_ENOUGH_CORES: ExitCode.environment,
  PRODUCER_HOSTS_MISSING: ExitCode.environment,
  CLOCK_UNCERTAIN: ExitCode.environment,
  HOST_PASSWORD_UNSET: ExitCode.environment,
  JAVAC_MISSING: ExitCode.environment,
  POLICY_COMPILE: ExitCode.invalidInput,
  WAIT_TIMEOUT: ExitCode.drillFailed,
  FAULT_FAILED: ExitCode.drillFailed,
  UNEXPECTED: ExitCode.drillFailed,
  TASK_FAILED: ExitCode.drillFailed,
  STEP_FAILED: ExitCode.drillFailed,
  INTERRUPTED: ExitCode.interrupted,
};

/** The exit code class of an error code as results.json saves it (an unknown code: a harness failure). */
export const exitCodeFor = (code: string): ExitCodeValue => (code in exitCodeOf ? exitCodeOf[code as ErrorCode] : ExitCode.drillFailed);

export class DrillError extends Error {
  readonly code: ErrorCode;
  readonly fix: string | undefined;
  readonly detail: string | undefined;
  constructor(code: ErrorCode, message: string, opts: { fix?: string; detail?: string; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.name = 'DrillError';
    this.code = code;
    this.fix = opts.fix;
    this.detail = opts.detail;
  }
  get exitCode(): ExitCodeValue {
    return exitCodeOf[this.code];
  }
}

export const isDrillError = (e: unknown): e is DrillError => e instanceof DrillError;
