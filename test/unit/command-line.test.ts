// Command lines, env and label lists as typed into Create Container… and Exec…: split like a shell, nothing run.
import * as assert from 'node:assert/strict';
import { InvalidArgumentError } from '../../packages/containerd-client/src/errors';
import { joinCommandLine, parseEnvList, parseLabelList, snapshotNameProblem, splitCommandLine } from '../../packages/containerd-client/src/run/command-line';

describe('run: command lines', () => {
  it('splits words on blanks, keeps quoted text together, expands nothing', () => {
    assert.deepEqual(splitCommandLine('ps aux'), ['ps', 'aux']);
    assert.deepEqual(splitCommandLine('  redis-server   --port 6380 '), ['redis-server', '--port', '6380']);
    assert.deepEqual(splitCommandLine(`sh -c 'echo "$HOME" | wc -c'`), ['sh', '-c', 'echo "$HOME" | wc -c']);
    assert.deepEqual(splitCommandLine('echo "a \\"b\\" \\$x \\n"'), ['echo', 'a "b" $x \\n']);
    assert.deepEqual(splitCommandLine('a\\ b c'), ['a b', 'c']);
    assert.deepEqual(splitCommandLine(`x'y'"z" ''`), ['xyz', '']);
    assert.deepEqual(splitCommandLine('*.txt ~ $(id)'), ['*.txt', '~', '$(id)']);
    assert.deepEqual(splitCommandLine(''), []);
  });

  it('refuses unterminated quotes and a trailing backslash', () => {
    assert.throws(() => splitCommandLine(`echo 'oops`), (e: unknown) => e instanceof InvalidArgumentError && /unterminated single quote/.test(e.message));
    assert.throws(() => splitCommandLine('echo "oops'), /unterminated double quote/);
    assert.throws(() => splitCommandLine('echo \\'), /trailing backslash/);
  });

  it('joins argv back into a line that splits the same', () => {
    for (const argv of [['sh', '-c', 'echo "$HOME"; exit 3'], ['a b', "it's", ''], ['redis-server', '/etc/redis.conf'], ['x=1', 'a,b:c@d%']]) {
      assert.deepEqual(splitCommandLine(joinCommandLine(argv)), argv);
    }
    assert.equal(joinCommandLine(['redis-server', '--port', '6380']), 'redis-server --port 6380');
  });

  it('env entries need a valid key; a bare key is kept (it removes the image value)', () => {
    assert.deepEqual(parseEnvList('A=1 B="two words" C= D'), ['A=1', 'B=two words', 'C=', 'D']);
    assert.throws(() => parseEnvList('1A=x'), /not an environment entry/);
    assert.throws(() => parseEnvList('=x'), /not an environment entry/);
  });

  it('labels are key=value pairs; a key alone gets an empty value', () => {
    assert.deepEqual(parseLabelList('app=web "team=core infra" flag'), { app: 'web', team: 'core infra', flag: '' });
    assert.throws(() => parseLabelList('=x'), /not a label/);
  });

  it('snapshot names: anything printable, not empty, no control characters, no outer spaces', () => {
    assert.equal(snapshotNameProblem('web-snapshot'), undefined);
    assert.equal(snapshotNameProblem('my snapshot/with:odd@chars'), undefined);
    assert.match(snapshotNameProblem('') ?? '', /must not be empty/);
    assert.match(snapshotNameProblem('a\nb') ?? '', /control characters/);
    assert.match(snapshotNameProblem(' a') ?? '', /spaces/);
    assert.match(snapshotNameProblem('x'.repeat(256)) ?? '', /at most 255/);
  });
});
