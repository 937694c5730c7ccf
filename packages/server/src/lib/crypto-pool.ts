import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { cryptoSuite, fieldKeys, sealBatch } from './crypto';

/**
 * Field encryption of large batches in worker threads (a frame's million contacts cost seconds of
 * CPU): the importing thread reads and checks the next rows while the workers encrypt. The workers
 * run the text of {@link sealBatch} itself, so their ciphertexts are exactly `encryptField`'s; the
 * subkeys travel with each batch (they follow the configured master key and suite).
 */
const WORKERS = 2;

const SOURCE = `
const crypto = require('node:crypto');
const { parentPort } = require('node:worker_threads');
const sealBatch = (${sealBatch.toString()});
parentPort.on('message', (m) => {
  let reply;
  try {
    reply = { id: m.id, out: sealBatch(crypto, m.plains, m.suite, m.keys) };
  } catch (err) {
    reply = { id: m.id, error: String((err && err.message) || err) };
  }
  parentPort.postMessage(reply);
});
`;

interface Slot {
  worker: Worker;
  busy: number;
}
interface Pending {
  slot: Slot;
  resolve: (out: (string | null)[]) => void;
  reject: (err: Error) => void;
}

let slots: Slot[] | null = null;
let next = 0;
let seq = 0;
const pending = new Map<number, Pending>();

function start(): Slot[] {
  const list: Slot[] = [];
  for (let k = 0; k < Math.max(1, Math.min(WORKERS, availableParallelism())); k++) {
    const slot: Slot = { worker: new Worker(SOURCE, { eval: true }), busy: 0 };
    slot.worker.unref();
    slot.worker.on('message', (m: { id: number; out?: (string | null)[]; error?: string }) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      // An idle worker does not keep the process alive.
      if (--slot.busy === 0) slot.worker.unref();
      if (m.error !== undefined) p.reject(new Error(`field encryption failed: ${m.error}`));
      else p.resolve(m.out!);
    });
    const fail = (err: Error) => {
      // A dead worker fails its batches; the next call starts a new pool.
      for (const [id, p] of pending)
        if (p.slot === slot) {
          pending.delete(id);
          p.reject(err);
        }
      if (slots?.includes(slot)) slots = null;
    };
    slot.worker.on('error', fail);
    slot.worker.on('exit', (code) => fail(new Error(`field encryption worker exited (${code})`)));
    list.push(slot);
  }
  return list;
}

/** `encryptFields` in a worker thread: the ciphertexts of `plains` in order (null for empty values). */
export function encryptFieldsInWorker(
  plains: readonly (string | null | undefined)[],
): Promise<(string | null)[]> {
  const suite = cryptoSuite();
  const keys = fieldKeys();
  slots ??= start();
  const slot = slots[next++ % slots.length];
  const id = ++seq;
  return new Promise((resolve, reject) => {
    pending.set(id, { slot, resolve, reject });
    if (slot.busy++ === 0) slot.worker.ref();
    slot.worker.postMessage({ id, plains, suite, keys });
  });
}
