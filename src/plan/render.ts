/**
 * Plan renderers: a terraform-like text view for people, Markdown for tickets. JSON is the plan itself.
 */
import type { Change } from '../vendors/types.js';
import type { TargetPlan } from './types.js';
import { counted } from '../util/plural.js';

const MAX_VALUES = 20;

function listValues(sign: string, values: readonly string[]): string[] {
  const shown = values.slice(0, MAX_VALUES).map((v) => `      ${sign} ${v}`);
  if (values.length > MAX_VALUES) shown.push(`      … and ${values.length - MAX_VALUES} more`);
  return shown;
}

function describeChange(change: Change): string[] {
  switch (change.kind) {
    case 'set': {
      const sign = change.op === 'create' ? '+' : change.op === 'delete' ? '-' : '~';
      const head = `  ${sign} ${change.family === 'domain' ? 'dns blocklist' : `${change.family} set`} ${change.name} (+${change.add.length} -${change.remove.length})`;
      return [head, ...listValues('+', change.add), ...listValues('-', change.remove)];
    }
    case 'rule': {
      const sign = change.op === 'create' ? '+' : change.op === 'delete' ? '-' : '~';
      return [
        `  ${sign} rule ${change.name}: ${change.op} (${change.reasons.join(', ')}) ${change.rule.action} egress to ${change.rule.setId}`,
      ];
    }
    case 'apply':
      return [`  ~ apply pending configuration (${change.reason})`];
  }
}

/** A terraform-like view of one target's plan. */
export function renderPlanText(plan: TargetPlan): string {
  const lines = [`${plan.target} (${plan.vendor} ${plan.deviceVersion}, tenant ${plan.tenant}):`];
  if (plan.refusal) lines.push(`  ! refused: ${plan.refusal}`);
  if (plan.changes.length === 0) lines.push('  no changes: the device matches the blocklist');
  for (const change of plan.changes) lines.push(...describeChange(change));
  for (const warning of plan.warnings) lines.push(`  warning: ${warning}`);
  lines.push(
    `  summary: +${plan.summary.add} -${plan.summary.remove} entries, ${counted(plan.summary.ruleChanges, 'rule change')}, ${plan.summary.managed} managed entries now`,
  );
  return lines.join('\n');
}

/** Markdown for a change ticket. */
export function renderPlanMarkdown(plans: readonly TargetPlan[]): string {
  const out = [
    '# iocwall plan',
    '',
    '| target | tenant | vendor | add | remove | rule changes | status |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const p of plans) {
    const status = p.refusal
      ? `refused: ${p.refusal}`
      : p.changes.length === 0
        ? 'no changes'
        : 'changes pending';
    out.push(
      `| ${p.target} | ${p.tenant} | ${p.vendor} | ${p.summary.add} | ${p.summary.remove} | ${p.summary.ruleChanges} | ${status.replace(/\|/g, '\\|')} |`,
    );
  }
  for (const p of plans.filter((x) => x.changes.length > 0)) {
    out.push('', `## ${p.target}`, '', '```', ...p.changes.flatMap(describeChange), '```');
  }
  return `${out.join('\n')}\n`;
}
