// Identifier validation against containerd's own cases (identifiers/validate_test.go, containerd 1.6).
import * as assert from 'assert';
import { InvalidArgumentError } from '../../packages/containerd-client/src/errors';
import { identifierProblem, MAX_IDENTIFIER_LENGTH, validateIdentifier } from '../../packages/containerd-client/src/identifiers';

const VALID = [
  'default', 'Default', 'TestValidIdentifiers', 'default-default', 'containerd.io', 'foo.boo', 'swarmkit.docker.io',
  '0912341234', 'task.0.0123456789', 'container.system-75-f19a.00', 'underscores_are_allowed', 'a', 'k8s.io', 'moby',
  'a'.repeat(76),
];

const INVALID = [
  '.foo..foo', 'foo/foo', 'foo/..', 'foo..foo', 'foo.-boo', '-foo.boo', 'foo.boo-', 'but__only_tasteful_underscores',
  'zn--e9.org', 'default--default', 'with space', 'tab\there', 'ünïcode', 'new\nline', 'colon:x', '.', '-',
];

describe('identifiers', () => {
  it('allows 76 characters, as containerd does', () => {
    assert.strictEqual(MAX_IDENTIFIER_LENGTH, 76);
  });

  for (const id of VALID) {
    it(`accepts ${JSON.stringify(id.length > 20 ? `${id.slice(0, 10)}…(${id.length})` : id)}`, () => {
      assert.strictEqual(identifierProblem(id), undefined);
      validateIdentifier(id);
    });
  }

  for (const id of INVALID) {
    it(`rejects ${JSON.stringify(id)} with a message naming it and the rule`, () => {
      const problem = identifierProblem(id, 'container id');
      assert.strictEqual(problem, `container id "${id}" is not valid: use letters and digits, separated by single ".", "_" or "-" (it must start and end with a letter or digit)`);
      assert.throws(() => validateIdentifier(id, 'container id'), (e: unknown) => e instanceof InvalidArgumentError && e.message === problem);
    });
  }

  it('rejects the empty string', () => {
    assert.strictEqual(identifierProblem('', 'namespace'), 'namespace must not be empty');
    assert.throws(() => validateIdentifier(''), (e: unknown) => e instanceof InvalidArgumentError && e.message === 'identifier must not be empty');
  });

  it('rejects 77 characters, saying how long it is and the limit', () => {
    const id = 'a'.repeat(77);
    assert.strictEqual(identifierProblem(id), `identifier "${id}" is 77 characters long; containerd allows at most 76`);
    assert.throws(() => validateIdentifier(id), InvalidArgumentError);
  });

  it('counts length before the pattern: a long invalid id is reported as too long', () => {
    assert.match(identifierProblem(`-${'a'.repeat(80)}`) ?? '', /81 characters long/);
  });
});
