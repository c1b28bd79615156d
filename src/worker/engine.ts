/**
 * The worker's view of the engine façade (src/engine/session.ts): the session type and its `open`.
 * Kept in one place so tests can substitute another opener.
 */
import { InfluenceSession } from '../engine/session';
import type { SessionOptions } from '../engine/session';
import type { Work } from '../engine/types';

export type EngineSession = InfluenceSession;

export type OpenSession = (opts: SessionOptions, work?: Work) => Promise<EngineSession>;

export function engineOpen(): OpenSession {
  return (opts, work) => InfluenceSession.open(opts, work);
}
