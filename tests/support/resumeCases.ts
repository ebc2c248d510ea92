// Where a Redis-backed stream starts for a client's last id: the rule of examples/redis/userEvents.mjs
// (resumeAfter) and of its Java counterpart (examples/redis/java/StreamIds.java), checked against the
// same table so the two backends agree.

/** [client's last id, the stream's newest id, where the stream starts]. */
export const RESUME_CASES: ReadonlyArray<readonly [string, string, string]> = [
  ['', '1700000000000-5', '1700000000000-5'],
  ['1700000000000-3', '1700000000000-5', '1700000000000-3'],
  ['1700000000000-5', '1700000000000-5', '1700000000000-5'],
  ['1699999999999-9', '1700000000000-0', '1699999999999-9'],
  ['1700000000000-6', '1700000000000-5', '1700000000000-5'],
  ['1700000000001-0', '1700000000000-5', '1700000000000-5'],
  ['1700000000000123', '1700000000000-5', '1700000000000-5'],
  ['abc', '1700000000000-5', '1700000000000-5'],
  ['1700000000000-3', '0-0', '0-0'],
  ['99999999999999999999-0', '1700000000000-5', '1700000000000-5'],
  ['9-99', '10-0', '9-99'],
  ['18446744073709551616-0', '10-0', '10-0'],
  ['1-18446744073709551616', '10-0', '10-0'],
  ['1--1', '10-0', '10-0'],
]
