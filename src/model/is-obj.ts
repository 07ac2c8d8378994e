/** A JSON object as read from an untrusted source: keys to unknown values. */
export type Obj = Record<string, unknown>;

/** True for an object that is neither null nor an array (what JSON calls an object). */
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
