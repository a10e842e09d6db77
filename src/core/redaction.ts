/**
 * Secrets never leave the team's files. Every output of the tool — the terminal, error messages
 * (validation's "found …" echoes too), results.json, scenario.json, history.ndjson, summary.md,
 * junit.xml, report.html and the log files it writes — goes through these rules (the writers and
 * printers apply them: run/run-dir.ts, adapters/recorder.ts, run/reports.ts, run/progress.ts,
 * adapters/containers/container-logs.ts, cli/main.ts). Pure: the values a run knows to be secret are handed in.
 *
 * Three passes, each catching what the others cannot:
 *  - by key: the value of a key that names a secret (password, secret, token, JAAS config,
 *    license, `basic.auth.user.info`, a config provider's `*.param.*`, key and store passwords),
 *    with or without a cluster or client prefix (`primary.`, `backup.consumer.`);
 *  - by shape, in free text: `key=value`, `key:value`, `"key": "value"` with such a key (a
 *    properties line, a JAAS `password="…"`), the password of a URL's user-info (`https://user:(redacted)@host`),
 *    `--token x` / `--password=x` flags, `Authorization: Bearer x` and `curl -u user:pw`;
 *  - by value: the actual secrets of the scenario (secretsOf), wherever they appear — a value
 *    echoed by a command, a log line, a message that names no key.
 * A shell variable reference (`$TOKEN`, `${TOKEN}`) is not a secret: the shell resolves it when
 * the command runs, and it is shown as written.
 */

export const REDACTED = '(redacted)';

/** Words that make a key (or a command-line flag, or a shell variable) name a secret. */
const secretWord = 'passw(?:or)?d|passphrase|secret|token|jaas|licen[cs]e|credentials?|user[._-]info|api[._-]?key|private[._-]?key';
const secretKeyRule = new RegExp(`(${secretWord})|(^|\\.)config\\.providers\\.[^.]+\\.param\\.|\\.key$|keystore\\.key|certificate`, 'i');

const secretKeys = new Map<string, boolean>();
/**
 * Whether a property key, JSON field or dotted path names a secret (cluster and client prefixes
 * allowed). A key with a `/` is a topic-partition (`password-resets/0`), never a property.
 */
export function isSecretKey(key: string): boolean {
  let yes = secretKeys.get(key);
  if (yes === undefined) {
    yes = !key.includes('/') && secretKeyRule.test(key);
    // A memo of the keys seen (a history's few field names, a file's keys), bounded all the same.
    if (secretKeys.size < 10_000) secretKeys.set(key, yes);
  }
  return yes;
}

/** Whether a dotted path (a matrix dimension, a `--set`) ends in, or runs through, a secret. */
export const isSecretPath = (path: string): boolean => isSecretKey(path);

/** A shell variable reference, resolved when the command runs: shown as written. */
const variableRef = /^\$(\{[A-Za-z_]\w*\}|[A-Za-z_]\w*)$/;

interface Rule {
  readonly re: RegExp;
  /** The capture group holding the secret; the other groups are kept. */
  readonly group: number;
}

const key = `[\\w.\\->]*(?:${secretWord})[\\w.\\->]*`;
// `(redacted)` first: text redacted once goes through the rules again unchanged.
const value = `\\(redacted\\)|"[^"\\n]*"|'[^'\\n]*'|[^\\s,;&|)"'\`]+`;
const rules: readonly Rule[] = [
  // URL user-info: scheme://user:password@host.
  { re: /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@'"`]*:)([^\s/@'"`]+)(@)/gi, group: 2 },
  // --token abc, --password=abc, --api-key abc (a flag naming a secret, then its value; not the
  // middle of a name: `payment-token-events on the backup`).
  { re: new RegExp(`((?<![\\w-])--?[\\w-]*(?:${secretWord})[\\w-]*)(\\s+|=)(${value})`, 'gi'), group: 3 },
  // Authorization: Bearer abc, Bearer abc.
  { re: /(\b(?:authorization|proxy-authorization)\s*[:=]\s*(?:bearer|basic|token|digest)?\s*|\bbearer\s+)([^\s'"`]+)/gi, group: 2 },
  // curl -u user:pw, --user user:pw.
  { re: /((?:^|\s)(?:-u|--user)(?:\s+|=)['"]?[^\s:'"]+:)([^\s'"]+)/gi, group: 2 },
  // With a key naming a secret: key=value, key = value (a properties line, JAAS `password="x"`),
  // key:value and "key": "value". Not `key: text` — a message's `path: what is wrong` is no secret.
  { re: new RegExp(`(${key}\\s*=\\s*|${key}:(?=\\S)|"${key}"\\s*:\\s*)(${value})`, 'gi'), group: 2 },
];

/** What every rule needs in the text: most strings (ids, topics, offsets) have none, and skip the rules. */
const anyRule = new RegExp(`:\\/\\/|bearer|authorization|-u\\s|--user|${secretWord}`, 'i');

/** `s` with the secret of each match replaced (quotes kept), each secret found added to `found`. */
function applyRule(s: string, rule: Rule, found?: Set<string>): string {
  return s.replace(rule.re, (...m: unknown[]) => {
    const groups = m.slice(1, -2).filter((g): g is string | undefined => typeof g === 'string' || g === undefined);
    const secret = groups[rule.group - 1] ?? '';
    const quote = /^(["'])(.*)\1$/.exec(secret);
    const bare = quote ? quote[2]! : secret;
    if (noSecret(bare)) return m[0] as string;
    found?.add(bare);
    const shown = quote ? `${quote[1]}${REDACTED}${quote[1]}` : REDACTED;
    return groups.map((g, i) => (i === rule.group - 1 ? shown : (g ?? ''))).join('');
  });
}

/** Secrets shorter than this are left to the key and shape rules: replacing "admin" everywhere would garble the reports. */
export const MIN_KNOWN_SECRET = 6;

/** Values that say a setting holds nothing (Kafka's config logs print `[hidden]` and `null`). */
const noSecret = (s: string): boolean => s === '' || s === REDACTED || s === 'null' || s === '[hidden]' || /^redacted-\d+$/.test(s) || variableRef.test(s);

export interface Redactor {
  /** Free text: the known values first (longest first, so a secret that contains another goes whole), then the shape rules. */
  text(s: string): string;
  /** Only the known values: for text the shape rules must not touch (the report's embedded scripts). */
  known(s: string): string;
  /**
   * A JSON-like value: the value of a field whose name is a secret key; the `value` / `fileValue`
   * of an object whose `key` / `fileKey` names one (a property change); every string as text.
   * The input is not changed (what holds no secret is returned as it is).
   */
  json<T>(v: T): T;
}

/** The rules, with the values known to be secret; each secret found is added to `found`. */
export function redactor(known: Iterable<string> = [], found?: Set<string>): Redactor {
  const values = [...new Set(known)].filter((k) => k.length >= MIN_KNOWN_SECRET).sort((a, b) => b.length - a.length);
  const byValue = (s: string): string => {
    let out = s;
    for (const k of values) if (out.includes(k)) out = out.split(k).join(REDACTED);
    return out;
  };
  const text = (s: string): string => {
    const known = byValue(s);
    return anyRule.test(known) ? rules.reduce((acc, rule) => applyRule(acc, rule, found), known) : known;
  };
  const hide = (v: unknown): unknown => {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint') {
      const s = String(v);
      if (noSecret(s)) return v;
      if (found) {
        found.add(s);
        // Its parts too, which a message may show alone: the password of `user:password`, of a JAAS line.
        const pair = /^[^:\s]+:(\S+)$/.exec(s);
        if (pair) found.add(pair[1]!);
        for (const rule of rules) applyRule(s, rule, found);
      }
      return REDACTED;
    }
    return Array.isArray(v) ? v.map(hide) : v;
  };
  // `secret`: the object is the entry of a secret key (`entries["x.password"]`): its value is hidden, its other fields are not.
  const walk = (x: unknown, secret = false): unknown => {
    if (typeof x === 'string') return text(x);
    if (Array.isArray(x)) return x.map((y) => walk(y));
    if (!x || typeof x !== 'object') return x;
    const o = x as Record<string, unknown>;
    // A property change names its property in `key` and `fileKey` (a checkpoint's `key` is a record's).
    const namesSecret = secret || ('fileKey' in o && [o.key, o.fileKey].some((k) => typeof k === 'string' && isSecretKey(k)));
    // Copied only when something changes: most objects (a history's events) hold no secret.
    let copy: Record<string, unknown> | undefined;
    for (const k of Object.keys(o)) {
      const y = o[k];
      const shown = y && typeof y === 'object' && !Array.isArray(y) ? walk(y, isSecretKey(k))
        : isSecretKey(k) || (namesSecret && (k === 'value' || k === 'fileValue')) ? hide(y) : walk(y);
      if (shown !== y) (copy ??= { ...o })[k] = shown;
    }
    return copy ?? o;
  };
  return { text, known: byValue, json: <T>(v: T) => walk(v) as T };
}

/** Free text with every secret replaced (redactor().text). */
export const redactText = (text: string, known: Iterable<string> = []): string => redactor(known).text(text);

/** A property's value as it may be shown: redacted whole when its key names a secret, its URLs' passwords otherwise. */
export const redactProperty = (key: string, v: string): string => (isSecretKey(key) ? REDACTED : redactText(v));

/** The secret values in a value (a scenario, a cell): what redactor().json hides, for the by-value pass. */
export function secretsOf(v: unknown): string[] {
  const found = new Set<string>();
  redactor([], found).json(v);
  return [...found];
}

/**
 * A matrix value as a cell id shows it: a secret path's values, and a value that holds a
 * credential (a command with a token), become `redacted-<n>` (n: the value's place in its
 * dimension, so two cells never share an id).
 */
export function matrixValueLabel(path: string, v: unknown, index: number): string {
  const s = String(v);
  return isSecretPath(path) || redactText(s) !== s ? `redacted-${index + 1}` : s;
}

/** A properties-file line as it may be shown: the value redacted when its key names a secret. */
export function redactPropertiesLine(line: string): string {
  const m = /^(\s*)((?:\\.|[^\s=:\\])+)(\s*[=:\s]\s*)(.*)$/.exec(line);
  if (!m) return redactText(line);
  return `${m[1]}${m[2]}${m[3]}${redactProperty(m[2]!, m[4]!)}`;
}
