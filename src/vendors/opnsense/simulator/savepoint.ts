/**
 * Savepoint and rollback actions of the OPNsense simulator: 25.7 and 26.1 only (removed in 26.7,
 * opnsense/core PR #10411). The timer itself lives in state.ts (`tickRollback`).
 */
import { cloneRecords, loadFilter } from './state.js';
import { ok, type RouteTable } from './http.js';

export const savepointRoutes: RouteTable = {
  'firewall/filter/savepoint': {
    method: 'POST',
    mutating: true,
    getFailedBody: { status: 'failed' },
    handle(_req, state) {
      // `revision->time` of the saved config: `sprintf('%0.2f', microtime(true))` (Config.php).
      let t = state.clock() / 1000;
      while (state.savepoints.has(t.toFixed(2))) t += 0.01;
      const revision = t.toFixed(2);
      state.savepoints.set(revision, cloneRecords(state.rules));
      return ok({ status: 'ok', retention: '60', revision });
    },
  },
  'firewall/filter/cancel_rollback': {
    method: 'POST',
    mutating: true,
    minParams: 1,
    getFailedBody: { status: 'failed' },
    handle(req, state) {
      // rollback_cancel.php deletes the lock only if the detached script already created it.
      const timer = state.rollback;
      if (timer !== undefined && timer.revision === req.params[0] && state.clock() >= timer.armAt)
        state.rollback = undefined;
      // Exit 0 prints nothing; exit 1 is configd's `Execute error`, which Backend::configdRun() turns
      // into '' (Backend.php 26.1.9): success, too late and too early all answer the same.
      return ok({ status: '' });
    },
  },
  'firewall/filter/revert': {
    method: 'POST',
    mutating: true,
    minParams: 1,
    getFailedBody: { status: 'failed' },
    handle(req, state) {
      const rev = req.params[0] ?? '';
      const saved = state.savepoints.get(rev);
      if (saved === undefined) return ok({ status: 'unknown (or removed) savepoint' });
      state.rules = cloneRecords(saved);
      if (state.rollback?.revision === rev) state.rollback = undefined;
      loadFilter(state);
      return ok({ status: 'ok' });
    },
  },
};
