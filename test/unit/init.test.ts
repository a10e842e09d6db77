/** `mm2-drill init`: its edits of package.json and .gitignore, the spec it pins, and a second run changing nothing. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { editGitignore, editPackageJson, installedSpec } from '../../src/cli/init-edits.ts';
import { initProject } from '../../src/cli/init.ts';

const opts = { name: 'team', spec: 'file:../mm2-drill-0.1.0.tgz', script: 'mm2-drill run drills/failover.ts' };

describe('package.json', () => {
  it('is created when missing, with the dev dependency and the script', () => {
    const { text, notes } = editPackageJson(undefined, opts);
    const pkg = JSON.parse(text);
    expect(pkg.devDependencies).toEqual({ 'mm2-drill': opts.spec });
    expect(pkg.scripts).toEqual({ drill: opts.script });
    expect(pkg.private).toBe(true);
    expect(notes).toHaveLength(2);
  });

  it('keeps every other field, its indentation, and is unchanged the second time', () => {
    const before = `{\n\t"name": "x",\n\t"scripts": {\n\t\t"test": "vitest"\n\t},\n\t"devDependencies": {\n\t\t"typescript": "^5"\n\t}\n}\n`;
    const once = editPackageJson(before, opts);
    expect(once.text).toContain('\n\t"name": "x"');
    const pkg = JSON.parse(once.text);
    expect(pkg.scripts).toEqual({ test: 'vitest', drill: opts.script });
    expect(pkg.devDependencies).toEqual({ typescript: '^5', 'mm2-drill': opts.spec });
    const twice = editPackageJson(once.text, opts);
    expect(twice.text).toBe(once.text);
    expect(twice.notes).toEqual([]);
  });

  it('never replaces the spec a project already has, nor a drill script of its own, and says so', () => {
    const before = JSON.stringify({ dependencies: { 'mm2-drill': '^0.1.0' }, scripts: { drill: 'mm2-drill run other.ts' } });
    const { text, notes } = editPackageJson(before, opts);
    expect(text).toBe(before);
    expect(notes.join('\n')).toMatch(/kept dependencies\.mm2-drill = \^0\.1\.0[\s\S]*kept scripts\.drill = mm2-drill run other\.ts/);
  });
});

describe('.gitignore', () => {
  it('is created with results/, and results/ is never added twice', () => {
    const once = editGitignore(undefined);
    expect(once.text.split('\n')).toContain('results/');
    expect(editGitignore(once.text)).toEqual({ text: once.text, notes: [] });
  });

  it('is appended to on a line of its own, and left alone when it already ignores results', () => {
    expect(editGitignore('node_modules').text).toMatch(/^node_modules\n[\s\S]*\nresults\/\n$/);
    expect(editGitignore('node_modules\n/results\n').notes).toEqual([]);
    expect(editGitignore('results.txt\n').notes).toEqual(['added results/']);
  });
});

describe('the spec init pins', () => {
  const project = '/home/u/team';
  it('re-bases the tarball path the installing package.json gave (a project, or npx\'s own directory)', () => {
    const installer = { dir: '/home/u/.npm/_npx/abc', text: JSON.stringify({ dependencies: { 'mm2-drill': 'file:../../../dl/mm2-drill-0.1.0.tgz' } }) };
    expect(installedSpec({ packageRoot: '/home/u/.npm/_npx/abc/node_modules/mm2-drill', installer, version: '0.1.0', project })).toBe('file:../dl/mm2-drill-0.1.0.tgz');
  });

  it('keeps a git URL, pins a range to the running version, and points at a clone that runs from its sources', () => {
    const at = (spec: string) => installedSpec({ packageRoot: '/p/node_modules/mm2-drill', installer: { dir: '/p', text: JSON.stringify({ devDependencies: { 'mm2-drill': spec } }) }, version: '0.1.0', project });
    expect(at('git+https://example.org/x/mm2-drill.git#v0.1.0')).toBe('git+https://example.org/x/mm2-drill.git#v0.1.0');
    expect(at('^0.1.0')).toBe('0.1.0');
    expect(installedSpec({ packageRoot: '/usr/lib/node_modules/mm2-drill', installer: undefined, version: '0.1.0', project })).toBe('0.1.0');
    expect(installedSpec({ packageRoot: '/home/u/src/mm2-drill', installer: undefined, version: '0.1.0', project })).toBe('file:../src/mm2-drill');
  });
});

describe('initProject', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mm2-drill-init-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('sets up an empty directory, then changes nothing the second time', () => {
    const project = join(dir, 'empty');
    mkdirSync(project);
    const first = initProject(project, false);
    expect(first.join('\n')).toMatch(/created .*failover\.ts[\s\S]*created .*mm2-drill\.yml[\s\S]*devDependencies\.mm2-drill[\s\S]*added results\//);
    const files = ['package.json', '.gitignore', 'drills/failover.ts', '.github/workflows/mm2-drill.yml'].map((f) => readFileSync(join(project, f), 'utf8'));
    expect(initProject(project, false)).toEqual([]);
    expect(['package.json', '.gitignore', 'drills/failover.ts', '.github/workflows/mm2-drill.yml'].map((f) => readFileSync(join(project, f), 'utf8'))).toEqual(files);
  });

  it('refuses to overwrite a scaffolded file the team changed, writing nothing, unless --force', () => {
    const project = join(dir, 'edited');
    mkdirSync(join(project, 'drills'), { recursive: true });
    writeFileSync(join(project, 'drills', 'failover.ts'), '// ours\n');
    expect(() => initProject(project, false)).toThrow(/would overwrite .*failover\.ts[\s\S]*/);
    expect(readFileSync(join(project, 'drills', 'failover.ts'), 'utf8')).toBe('// ours\n');
    expect(() => readFileSync(join(project, 'package.json'))).toThrow();
    expect(initProject(project, true).join('\n')).toMatch(/overwrote \(--force\) .*failover\.ts/);
  });

  it('an unreadable package.json is a usage error, and nothing is written', () => {
    const project = join(dir, 'broken');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), '{ "name": "x", }');
    expect(() => initProject(project, false)).toThrow(expect.objectContaining({ code: 'USAGE', message: expect.stringMatching(/package\.json is not valid JSON/) }));
    expect(existsSync(join(project, 'drills'))).toBe(false);
    expect(existsSync(join(project, '.gitignore'))).toBe(false);
  });
});
