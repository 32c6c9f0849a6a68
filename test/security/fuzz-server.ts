/**
 * The server the fuzz test attacks, in a process of its own so that the test can tell whether
 * it ever exits and read its memory. Prints one JSON line with its port, CA and admin token.
 */
import {startServer} from '../../server/node-server.js'

const dataDir = process.argv[2]
if (!dataDir) throw new Error('usage: fuzz-server.ts <data folder>')
const server = await startServer({
  port: 0,
  host: '127.0.0.1',
  dataDir,
  projectId: 'local',
  synchronous: 'normal',
  // the fuzzer sends far more than one client may: rate limits would answer most of it with 429
  requestsPerSecond: 0,
  mutationsPerSecond: 0,
  queryTimeoutMs: 2_000,
  schedulerIntervalMs: 0,
  validateRelease: null,
})
process.stdout.write(`${JSON.stringify({port: server.port, ca: server.tls.ca, token: server.tokens.getAdminToken()})}\n`)
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)))
