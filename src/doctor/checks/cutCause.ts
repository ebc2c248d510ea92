/**
 * Why a stream ended on its own, read from its timing:
 * - `proxy`: after as much silence as the given proxy read timeout;
 * - `idle`: after a silence of whole seconds, or dropped without its final chunk after a silence,
 *   the way a proxy or load balancer gives up on a quiet upstream;
 * - `total`: while bytes were flowing, a whole number of seconds after it opened: a limit on the
 *   request's length (an async request timeout on the server, a proxy's maximum);
 * - `server`: none of these: the server ended it.
 */
export type CutCause = 'proxy' | 'idle' | 'total' | 'server'
