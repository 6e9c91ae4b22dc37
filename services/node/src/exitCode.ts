/**
 * Exit codes of the `unimargin` binary, after BSD `sysexits.h` so scripts and supervisors can tell a bad invocation
 * from a bad config from a service that is not there:
 * | code | meaning |
 * |---|---|
 * | 0 | done |
 * | 1 | the command ran and its answer is "no" (node not ready, a Derive case off, an account the API refused) |
 * | 64 | usage: unknown option, bad argument (`EX_USAGE`) |
 * | 65 | bad input data: a file that is not JSON, an unknown command state, a chain to resume that is not halted (`EX_DATAERR`) |
 * | 69 | a service is unavailable: PostgreSQL, the API port, a node's API (`EX_UNAVAILABLE`) |
 * | 75 | try again later: the PGlite data dir is held by a running node (`EX_TEMPFAIL`) |
 * | 78 | the configuration (or a deployment spec) is invalid (`EX_CONFIG`) |
 * | 70 | anything else: a bug (`EX_SOFTWARE`) |
 */
export const ExitCode = {
  ok: 0,
  answerNo: 1,
  usage: 64,
  dataError: 65,
  unavailable: 69,
  software: 70,
  tryAgain: 75,
  config: 78,
} as const
