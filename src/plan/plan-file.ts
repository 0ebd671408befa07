/**
 * Saved plans: written with a checksum, read back and verified before `apply` acts on them.
 */
import { readFileSync } from 'node:fs';
import { PlanFileError, StalePlanError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic.js';
import { sha256Of } from './digest.js';
import { planFileSchema, type PlanFile, type TargetPlan } from './types.js';

/** Builds a plan file with its checksum. */
export function createPlanFile(
  targets: TargetPlan[],
  blocklistDigest: string,
  createdAt: Date,
  instanceId: string,
  failed: NonNullable<PlanFile['failed']> = [],
): PlanFile {
  const body = {
    schema: 'iocwall.plan/v1' as const,
    createdAt: createdAt.toISOString(),
    instanceId,
    blocklistDigest,
    targets,
    // Only when there are some: a complete plan's bytes (and checksum) are what they always were.
    ...(failed.length > 0 ? { failed } : {}),
  };
  return { ...body, checksum: sha256Of(body) };
}

/** Writes a plan file atomically. */
export function writePlanFile(path: string, plan: PlanFile): void {
  writeFileAtomic(path, `${JSON.stringify(plan, null, 2)}\n`);
}

/**
 * Reads and verifies a plan file: schema (exit 1 when it is not a plan) and checksum (exit 3 when the
 * plan was edited after it was made: what was reviewed is not what would be applied).
 */
export function readPlanFile(path: string): PlanFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new PlanFileError(`cannot read plan ${path}: ${(err as Error).message.split('\n')[0] ?? ''}`);
  }
  const parsed = planFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PlanFileError(
      `${path} is not an iocwall plan: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}`,
    );
  }
  const { checksum, ...body } = parsed.data;
  if (sha256Of(body) !== checksum) {
    throw new StalePlanError(
      `plan ${path} was modified after it was made (checksum mismatch): make a new plan`,
    );
  }
  return parsed.data;
}
