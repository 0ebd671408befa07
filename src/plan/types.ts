/**
 * Plans and drift findings, with zod schemas so a saved plan file is validated before `apply` trusts it.
 */
import { z } from 'zod';
import { VENDOR_IDS } from '../vendors/types.js';

/** Drift kinds, exactly as CONTRACT.md `audit` lists them. */
export const DRIFT_KINDS = [
  'missing-entry',
  'extra-entry',
  'rule-missing',
  'rule-disabled',
  'rule-changed',
  'rule-order',
  'not-applied',
  'foreign-object',
] as const;
/** One drift kind. */
export type DriftKind = (typeof DRIFT_KINDS)[number];

/** One drift finding: what differs on which object, and why. */
export const driftSchema = z.object({
  kind: z.enum(DRIFT_KINDS),
  object: z.string(),
  value: z.string().nullable(),
  detail: z.string(),
});
/** One drift finding. */
export type DriftFinding = z.infer<typeof driftSchema>;

const setIdSchema = z.enum(['ipv4', 'ipv6', 'dns']);
/** Device object names as iocwall makes them (policy prefix + suffix); nothing else is accepted from a plan. */
const setNameSchema = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,30}$/);
const ruleNameSchema = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,30} iocwall:[a-z0-9][a-z0-9-]{0,31}$/);
/** A set value: no whitespace, separators or control characters (the full canonical check runs before apply). */
const valueSchema = z.string().regex(/^[0-9A-Za-z.:/_-]{1,253}$/);
const ruleIdSchema = z.enum(['egress-ipv4', 'egress-ipv6']);
const desiredRuleSchema = z.object({
  id: ruleIdSchema,
  name: ruleNameSchema,
  setId: setIdSchema,
  family: z.enum(['ipv4', 'ipv6']),
  action: z.enum(['drop', 'reject']),
  placement: z.literal('top'),
});

/** One change of a plan (see `Change` in src/vendors/types.ts). */
export const changeSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('set'),
    op: z.enum(['create', 'update', 'delete']),
    setId: setIdSchema,
    name: setNameSchema,
    family: z.enum(['ipv4', 'ipv6', 'domain']),
    add: z.array(valueSchema),
    remove: z.array(valueSchema),
    entries: z.array(valueSchema),
  }),
  z.object({
    kind: z.literal('rule'),
    op: z.enum(['create', 'update', 'move', 'delete']),
    ruleId: ruleIdSchema,
    name: ruleNameSchema,
    rule: desiredRuleSchema,
    reasons: z.array(z.string()),
  }),
  z.object({ kind: z.literal('apply'), reason: z.string() }),
]);

/** The desired state a plan was computed for. */
export const desiredStateSchema = z.object({
  target: z.string(),
  vendor: z.enum(VENDOR_IDS),
  marker: z.string().regex(/^iocwall:[a-z0-9][a-z0-9-]{0,31}$/),
  sets: z.array(
    z.object({
      id: setIdSchema,
      family: z.enum(['ipv4', 'ipv6', 'domain']),
      name: setNameSchema,
      entries: z.array(valueSchema),
    }),
  ),
  rules: z.array(desiredRuleSchema),
});

/** The plan for one target. */
export const targetPlanSchema = z.object({
  target: z.string(),
  tenant: z.string(),
  endpoint: z.string(),
  vendor: z.enum(VENDOR_IDS),
  /** sha256 of the observed state the plan was computed from (apply refuses when the device moved on). */
  observedDigest: z.string(),
  deviceVersion: z.string(),
  desired: desiredStateSchema,
  changes: z.array(changeSchema),
  drift: z.array(driftSchema),
  warnings: z.array(z.string()),
  /** Why this target must not be applied (foreign object, capacity, threshold); null when it may be. */
  refusal: z.string().nullable(),
  summary: z.object({ add: z.number(), remove: z.number(), managed: z.number(), ruleChanges: z.number() }),
});
/** The plan for one target. */
export type TargetPlan = z.infer<typeof targetPlanSchema>;

/** A saved plan (`plan --out`), the input of `apply`. */
export const planFileSchema = z.object({
  schema: z.literal('iocwall.plan/v1'),
  createdAt: z.string(),
  /** The config instance the plan was made with (its ownership marker). */
  instanceId: z.string(),
  blocklistDigest: z.string(),
  targets: z.array(targetPlanSchema),
  /**
   * Targets that could not be planned (unreachable, refused before a plan was made), so that the file says
   * the run was partial; `apply` never acts on them. Absent when every target was planned.
   */
  failed: z
    .array(z.object({ target: z.string(), status: z.enum(['error', 'refused']), error: z.string() }))
    .optional(),
  /** `sha256:` of the canonical JSON of everything above. */
  checksum: z.string(),
});
/** A saved plan. */
export type PlanFile = z.infer<typeof planFileSchema>;
