/**
 * The line-screen thread (started by screen-thread.ts): answers each buffer it is sent with
 * `screenLines` (screen-lines.ts). It imports the IPv4 classifier and the union only, so it starts
 * quickly.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { IPv4Union } from '../ipv4-union.js';
import { screenLines, type LineScreenRule } from './screen-lines.js';
import type { ScreenReply, ScreenRequest, ScreenThreadData } from './screen-thread-shared.js';

const data = workerData as ScreenThreadData;
const rule: LineScreenRule = {
  minPrefix: data.minPrefix,
  unions: data.unions.map((state) => new IPv4Union(state)),
};
const port = parentPort;

port?.on('message', (request: ScreenRequest) => {
  const codes = screenLines(request.bytes, rule);
  const reply: ScreenReply = { kind: 'answer', id: request.id, codes };
  port.postMessage(reply, [codes.buffer as ArrayBuffer]);
});
port?.postMessage({ kind: 'ready' } satisfies ScreenReply);
