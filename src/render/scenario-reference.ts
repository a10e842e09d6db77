/**
 * The scenario file reference (docs/scenario-reference.md), generated from the zod schema so it
 * cannot drift from the validator: zod's own JSON Schema export (`z.toJSONSchema`, as a scenario
 * file is written: `io: 'input'`) walked into one table per schema, every field path with its
 * type, default, allowed values and the description the schema carries (`.describe()` / `.meta()`).
 * Schemas given an `id` in their meta (a fault, a playbook step…) get a section of their own and
 * are linked wherever they are used. Pure: schema in, Markdown out.
 */
import { z } from 'zod';

/** The part of JSON Schema (draft 2020-12) that zod's export produces. */
interface Node {
  $ref?: string;
  title?: string;
  description?: string;
  default?: unknown;
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  items?: Node;
  properties?: Record<string, Node>;
  required?: string[];
  propertyNames?: Node;
  additionalProperties?: Node | boolean;
  anyOf?: Node[];
  oneOf?: Node[];
  $defs?: Record<string, Node>;
}

interface Row { path: string; type: string; def: string; allowed: string; meaning: string }

/** A value as it is written in a scenario file: `'all'`, `{ name: 'orders' }`. */
export function literal(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return `[${v.map(literal).join(', ')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v).map(([k, x]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : `'${k}'`}: ${literal(x)}`);
    return entries.length ? `{ ${entries.join(', ')} }` : '{}';
  }
  return String(v);
}

const code = (s: string): string => `\`${s}\``;
const anchorOf = (id: string): string => id.toLowerCase().replace(/[^a-z0-9-]/g, '-');
const refId = (ref: string): string => ref.replace(/^#\/\$defs\//, '');
const options = (n: Node): Node[] | undefined => n.anyOf ?? n.oneOf;
const isObject = (n: Node): boolean => n.type === 'object' || n.properties !== undefined;
/** An object keyed by names the user picks (z.record), as opposed to one with fixed fields. */
const isMap = (n: Node): boolean => isObject(n) && n.properties === undefined && typeof n.additionalProperties === 'object';

/** An object's fields as a scenario writes it, optional ones marked: `at, jitterSeconds?`. */
const keyList = (o: Node): string => Object.keys(o.properties ?? {}).map((k) => (o.required?.includes(k) ? k : `${k}?`)).join(', ');

/** The property every option of a union fixes to a constant (`fault`, `action`), if there is one. */
function discriminatorOf(opts: readonly Node[]): string | undefined {
  const first = opts[0]?.properties ?? {};
  return Object.keys(first).find((k) => opts.every((o) => o.properties?.[k]?.const !== undefined));
}

/** A bound as a scenario file writes it: `3600`, `20_000`. */
const num = (x: number): string => (Math.abs(x) < 10_000 ? String(x) : String(x).replace(/\B(?=(\d{3})+$)/g, '_'));

/** The bounds of a number, string or list, e.g. `1 – 5`, `> 0, ≤ 3600`, `1 – 16 items`. */
function bounds(lo: number | undefined, hi: number | undefined, exclusiveLo?: number, exclusiveHi?: number, unit = ''): string {
  const text = lo !== undefined && hi !== undefined ? `${num(lo)} – ${num(hi)}` : [
    lo !== undefined ? `≥ ${num(lo)}` : exclusiveLo !== undefined ? `> ${num(exclusiveLo)}` : '',
    hi !== undefined ? `≤ ${num(hi)}` : exclusiveHi !== undefined ? `< ${num(exclusiveHi)}` : '',
  ].filter(Boolean).join(', ');
  return text && `${text}${unit}`;
}

/** What values a field accepts beyond its type: ranges, patterns, names; for a map or list, its keys' and elements'. */
function allowedOf(n: Node): string {
  if (n.$ref) return '';
  if (n.enum) return n.enum.map((v) => code(literal(v))).join(', ');
  const opts = options(n);
  if (opts) return opts.filter((o) => !isObject(o) && o.type !== 'array' && allowedOf(o) !== '' && o.const === undefined).map((o) => `${o.type}: ${allowedOf(o)}`).join('; ');
  const length = n.minLength === 1 && n.maxLength === undefined ? 'not empty' : bounds(n.minLength, n.maxLength, undefined, undefined, ' characters');
  // zod's integers carry the safe-integer bounds: not a constraint a scenario meets.
  const bound = (x: number | undefined) => (x !== undefined && Math.abs(x) === Number.MAX_SAFE_INTEGER ? undefined : x);
  const parts = [bounds(bound(n.minimum), bound(n.maximum), n.exclusiveMinimum, n.exclusiveMaximum), bounds(n.minItems, n.maxItems, undefined, undefined, ' items'), n.pattern !== undefined ? code(`/${n.pattern}/`) : '', length];
  const scalar = (x: Node | undefined): x is Node => x !== undefined && !isObject(x) && !x.$ref && x.type !== 'array';
  if (isMap(n) && n.propertyNames && allowedOf(n.propertyNames)) parts.push(`keys: ${allowedOf(n.propertyNames)}`);
  if (isMap(n) && scalar(n.additionalProperties as Node) && allowedOf(n.additionalProperties as Node)) parts.push(`values: ${allowedOf(n.additionalProperties as Node)}`);
  if (n.type === 'array' && scalar(n.items) && allowedOf(n.items)) parts.push(`each: ${allowedOf(n.items)}`);
  return parts.filter(Boolean).join('; ');
}

/** Renders JSON Schema nodes to table rows and sections; `defs` are the schemas with an id of their own. */
class Walker {
  /** Every row drawn so far. */
  readonly drawn: Row[] = [];

  private readonly defs: Record<string, Node>;

  constructor(defs: Record<string, Node>) {
    this.defs = defs;
  }

  private link(ref: string): string {
    const id = refId(ref);
    return `[${this.defs[id]?.title ?? id}](#${anchorOf(id)})`;
  }

  typeOf(n: Node): string {
    if (n.$ref) return this.link(n.$ref);
    if (n.const !== undefined) return code(literal(n.const));
    const opts = options(n);
    if (opts) return opts.map((o) => (o.properties ? code(`{ ${keyList(o)} }`) : this.typeOf(o))).join(' or ');
    if (n.enum) return typeof n.enum[0] === 'number' ? 'number' : 'string';
    if (Array.isArray(n.type)) return n.type.join(' or ');
    if (n.type === 'array') return n.items ? `list of ${n.items.properties ? code(`{ ${keyList(n.items)} }`) : this.typeOf(n.items)}` : 'list';
    if (isMap(n)) return `map of ${this.typeOf(n.additionalProperties as Node)}`;
    if (isObject(n)) return 'object';
    return n.type ?? 'any';
  }

  /** The field at `path` and everything under it. */
  rows(n: Node, path: string, required: boolean, out: Row[]): Row[] {
    const def = n.default !== undefined ? code(literal(n.default)) : required ? 'required' : '';
    const row = { path: code(path), type: this.typeOf(n), def, allowed: allowedOf(n), meaning: n.description ?? '' };
    out.push(row);
    this.drawn.push(row);
    this.children(n, path, out);
    return out;
  }

  private children(n: Node, path: string, out: Row[]): void {
    if (n.$ref) return;
    const opts = options(n);
    if (opts) for (const o of opts) this.children(o, path, out);
    if (n.type === 'array' && n.items) this.children(n.items, `${path}[]`, out);
    if (isMap(n)) this.children(n.additionalProperties as Node, `${path}.<${n.propertyNames?.enum ? 'key' : 'name'}>`, out);
    for (const [k, v] of Object.entries(n.properties ?? {})) this.rows(v, path ? `${path}.${k}` : k, n.required?.includes(k) ?? false, out);
  }

  /** The fields of an object (or of each option of a union of objects) as tables under `level` headings. */
  body(n: Node, level: string): string[] {
    const opts = n.$ref ? undefined : options(n);
    if (opts && opts.every(isObject)) {
      const key = discriminatorOf(opts);
      const shared = key ? this.sharedFields(opts, key) : [];
      const out: string[] = [];
      if (shared.length) out.push(`Every ${key ? code(key) : 'option'} has:`, '', ...table(shared.flatMap((k) => this.rows(opts[0]!.properties![k]!, k, opts[0]!.required?.includes(k) ?? false, []))), '');
      for (const o of opts) {
        const title = code(key ? `${key}: ${literal(o.properties![key]!.const)}` : `{ ${keyList(o)} }`);
        const own: Node = { ...o, properties: Object.fromEntries(Object.entries(o.properties ?? {}).filter(([k]) => k !== key && !shared.includes(k))) };
        const rows: Row[] = [];
        this.children(own, '', rows);
        out.push(`${level} ${title}`, '', ...(o.description ? [o.description, ''] : []), ...(rows.length ? [...table(rows), ''] : []));
      }
      return out;
    }
    const rows: Row[] = [];
    // A map drawn on its own: one row for its entries (the key names and what each holds).
    if (isMap(n)) {
      const value = n.additionalProperties as Node;
      rows.push({ path: code('<key>'), type: this.typeOf(value), def: '', allowed: allowedOf(n), meaning: value.description ?? '' });
    }
    this.children(n, '', rows);
    return rows.length ? [...table(rows), ''] : [];
  }

  /** Fields every option declares identically (a playbook step's `name`, `when`, `timeoutSeconds`). */
  private sharedFields(opts: readonly Node[], key: string): string[] {
    const first = opts[0]?.properties ?? {};
    return Object.keys(first).filter((k) => k !== key && opts.every((o) => JSON.stringify(o.properties?.[k]) === JSON.stringify(first[k])));
  }
}

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

function table(rows: readonly Row[]): string[] {
  return [
    '| field | type | default | allowed | meaning |',
    '|---|---|---|---|---|',
    ...rows.map((r) => `| ${[r.path, r.type, r.def, r.allowed, r.meaning].map(cell).join(' | ')} |`),
  ];
}

/** The JSON Schema of a scenario file, as it is written (defaults not yet applied). */
export const scenarioJsonSchema = (schema: z.ZodType): Node =>
  z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Node;

/** The page, and every row drawn on it. */
function draw(schema: z.ZodType): { text: string; rows: Row[] } {
  const root = scenarioJsonSchema(schema);
  const defs = root.$defs ?? {};
  const w = new Walker(defs);
  const lines = [
    '<!-- Generated from the scenario schema (src/core/scenario/) by `npm run docs:scenario-reference`: edit the schema\'s descriptions, not this file. -->',
    '',
    '# Scenario file reference',
    '',
    ...(root.description ? [root.description, ''] : []),
    'Every field a scenario file may set, generated from the schema that validates it. A path reads',
    '`a.b` for a field of an object, `a[]` for each element of a list and `a.<name>` for each entry',
    'of a map keyed by names you choose. *default* is what a field left out becomes; *required*',
    'fields have none. Checks across fields (a kill before the workload ends, a mirror a playbook',
    'names…) are listed in [scenarios.md](scenarios.md).',
    '',
    '## Scenario',
    '',
    ...w.body(root, '###'),
  ];
  for (const [id, d] of Object.entries(defs)) {
    lines.push(`<a id="${anchorOf(id)}"></a>`, '', `## ${d.title ?? id}`, '', ...(d.description ? [d.description, ''] : []), ...w.body(d, '###'));
  }
  return { text: `${lines.join('\n').trimEnd()}\n`, rows: w.drawn };
}

/** docs/scenario-reference.md: the scenario's fields, then each schema with an id of its own. */
export const scenarioReference = (schema: z.ZodType): string => draw(schema).text;

/** Field paths (as drawn, in backquotes) whose schema gives no description: a gap in the page. */
export const undescribedFields = (schema: z.ZodType): string[] => draw(schema).rows.filter((r) => r.meaning === '').map((r) => r.path);
