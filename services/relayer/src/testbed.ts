import { commands, commandTransitions, type Database, eq } from '@unimargin/db'
import { type Devnet, type DevnetOptions, startDevnet } from '@unimargin/devnet'
import { createLocalGuardianAttester } from '@unimargin/protocol'
import pino from 'pino'
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest'
import type { Hex } from 'viem'
import { devnetKeyCoSigners } from './testing.js'
import { type CreateRelayerParameters, createRelayer } from './relayer.js'


/** Parameters of {@link RelayerTestbed.relayer}: any of `createRelayer`'s, plus the retry budget. */
export type TestRelayerParameters = Partial<CreateRelayerParameters> & {
  /** failures before fallback or dead-letter (default 3); retries wait 1-5 ms */
  maxAttempts?: number
}

/** What {@link relayerTestbed} gives a suite. Read `devnet` and `database` inside hooks and tests only. */
export type RelayerTestbed = {
  /** the suite's devnet, started once before its tests */
  readonly devnet: Devnet
  /** this test's fresh outbox */
  readonly database: Database
  /** the devnet's first chain (the hub) and second chain */
  hub(): Devnet['chains'][number]
  spoke(): Devnet['chains'][number]
  /**
   * A relayer on this test's outbox and the devnet's config (or `config`), signing VAAs with the devnet guardians,
   * co-signed by the devnet's co-signer keys ({@link devnetKeyCoSigners}), silent, retrying after 1-5 ms up to `maxAttempts`; other parameters as given.
   */
  relayer(parameters?: TestRelayerParameters): ReturnType<typeof createRelayer>
  /** the outbox row of command `id` */
  row(id: string): Promise<typeof commands.$inferSelect>
  /** the recorded transitions of command `id`, oldest first */
  transitionsOf(id: string): Promise<(typeof commandTransitions.$inferSelect)[]>
}

/**
 * The relayer suites' shared setup, registered as vitest hooks: a devnet started from `options` before the suite
 * and stopped after it, and a fresh outbox from `open` (one of `testDatabases()`) around each test.
 */
export function relayerTestbed(open: () => Promise<Database>, options: DevnetOptions): RelayerTestbed {
  let devnet: Devnet | undefined
  let database: Database | undefined
  beforeAll(async () => {
    devnet = await startDevnet(options)
  })
  afterAll(() => devnet?.stop())
  beforeEach(async () => {
    database = await open()
  })
  afterEach(() => database?.close())
  const logger = pino({ level: 'silent' })
  const bed: RelayerTestbed = {
    get devnet() {
      if (!devnet) throw new Error('the devnet is started in beforeAll: read it inside hooks and tests')
      return devnet
    },
    get database() {
      if (!database) throw new Error('the outbox is opened in beforeEach: read it inside tests')
      return database
    },
    hub: () => bed.devnet.chains[0]!,
    spoke: () => bed.devnet.chains[1]!,
    relayer({ maxAttempts = 3, config = bed.devnet.config, ...rest } = {}) {
      return createRelayer({
        db: bed.database.db,
        config: { ...config, relayer: { ...config.relayer, baseDelayMs: 1, maxDelayMs: 5, maxAttempts } },
        logger,
        attester: createLocalGuardianAttester({ keys: bed.devnet.keys.guardians, guardianSetIndex: 0 }),
        coSigners: devnetKeyCoSigners(bed.devnet),
        ...rest,
      })
    },
    row: async (id) => (await bed.database.db.select().from(commands).where(eq(commands.id, id as Hex)))[0]!,
    transitionsOf: (id) => bed.database.db.select().from(commandTransitions).where(eq(commandTransitions.commandId, id as Hex)).orderBy(commandTransitions.id),
  }
  return bed
}
