/**
 * A copy of a message with its meta replaced: what `{ ...msg, meta }` gives
 * (meta keeps its place when msg had one, else comes last), written without
 * the spread. On Node 20's V8, an object made by spread gets a map of its
 * own, and adding a property its source lacked (a request with no meta)
 * then makes a new hidden class for every object: about 20x slower, and each
 * new map and descriptor array outlives the object, which filled the unit's
 * old generation at load (bench/README.md, stop 13).
 */
import type { Meta, SeldonMessage } from './seldon-message.js';

export function replaceMeta(msg: SeldonMessage, meta: Meta): SeldonMessage {
  const out: SeldonMessage = Object.assign({}, msg);
  out.meta = meta;
  return out;
}
