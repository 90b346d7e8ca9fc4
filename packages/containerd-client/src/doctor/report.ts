// The doctor's report as Markdown: a summary line, then per check its status, what was found, why it matters and
// the exact commands of the fix. Pure (no vscode), so the command shows it and tests read it.
import type { DoctorReport } from './index';
import type { CheckResult, CheckStatus } from './types';

// Symbols every common font has (emoji are missing from many Linux and remote setups and show as boxes).
const ICON: Record<CheckStatus, string> = { pass: '✔', warn: '⚠', fail: '✖', 'n/a': '–' };
const LABEL: Record<CheckStatus, string> = { pass: 'Pass', warn: 'Warning', fail: 'Fail', 'n/a': 'Not applicable' };
const ORDER: CheckStatus[] = ['fail', 'warn', 'pass', 'n/a'];

export function summaryLine(counts: Record<CheckStatus, number>): string {
  const na = counts['n/a'] ? `, ${counts['n/a']} not applicable` : '';
  return `${counts.pass} pass, ${counts.warn} warn, ${counts.fail} fail${na}`;
}

/** Text inside Markdown: no HTML, no link or emphasis syntax from file contents or daemon messages. */
function md(text: string): string {
  return text.replace(/[\\`*_[\]<>#|]/g, (c) => `\\${c}`);
}

/** A fenced block that the command cannot close early. */
function fence(command: string): string[] {
  const ticks = '`'.repeat(Math.max(3, ...[...command.matchAll(/`+/g)].map((m) => m[0].length + 1)));
  return [`${ticks}sh`, command, ticks];
}

function renderCheck(c: CheckResult): string[] {
  const out = [`## ${ICON[c.status]} ${md(c.title)}: ${LABEL[c.status]}`, '', md(c.detail), '', `**Why it matters:** ${md(c.why)}`, ''];
  if (c.fix.length) {
    out.push('**Fix:**', '');
    c.fix.forEach((s, i) => {
      out.push(`${i + 1}. ${md(s.command ? `${s.text[0].toUpperCase()}${s.text.slice(1)}:` : s.text)}`);
      if (s.command) out.push('', ...fence(s.command).map((l) => `   ${l}`), '');
    });
    out.push('');
  }
  return out;
}

export function renderDoctorReport(r: DoctorReport, when = new Date()): string {
  const daemon = r.daemon.reachable ? `containerd ${r.daemon.version}` : `containerd not reachable${r.daemon.version ? ` (installed: ${r.daemon.version})` : ''}`;
  const sorted = [...r.checks].sort((a, b) => ORDER.indexOf(a.status) - ORDER.indexOf(b.status));
  return [
    '# Containerd: Check Setup', '',
    `**${summaryLine(r.counts)}**`, '',
    `${md(daemon)} · socket ${md(r.socketPath)} · config ${md(r.configPath)} · ${when.toISOString()}`, '',
    ...sorted.flatMap(renderCheck),
  ].join('\n');
}
