import type { Config } from '@unimargin/chains'
import { createDatabase, type Db } from '@unimargin/db'
import pino, { type Logger } from 'pino'
import { compareDerivedState, type StateDifference } from './compareDerivedState.js'
import { type ReplayReport, replayInputs } from './replayInputs.js'

export type RebuildVerification = {
  /**
   * true when no table differs and every recorded input replayed as it was applied live. Sent commands no input
   * decides (`replay.carried`: after `chains resume`, decisions taken on orphaned inputs) are facts, copied and
   * listed, not differences.
   */
  equal: boolean
  differences: StateDifference[]
  /** per compared table, its row count live and rebuilt */
  tables: Array<{ table: string; live: number; rebuilt: number }>
  replay: ReplayReport
}

/**
 * Rebuilds the derived state from the inputs recorded in `db` into a fresh in-memory PGlite database with
 * {@link replayInputs} and compares it with `db`'s table by table, row by row ({@link compareDerivedState}).
 * Inputs and derived state are read in one repeatable-read, read-only transaction of `db`, so a node that keeps
 * running on PostgreSQL does not make them disagree; the scratch database is discarded.
 * @param options.logger where the replayed decisions are logged (default: silent)
 * @throws the database error of `db` or of the replay.
 * @example const { equal, differences } = await verifyRebuild(database.db, config)
 */
export async function verifyRebuild(db: Db, config: Config, options: { logger?: Logger } = {}): Promise<RebuildVerification> {
  const logger = options.logger ?? pino({ level: 'silent' })
  const scratch = await createDatabase()
  try {
    return await db.transaction(
      async (tx) => {
        const replay = await replayInputs({ source: tx, target: scratch.db, config, logger })
        const { differences, tables } = await compareDerivedState(tx, scratch.db)
        return { equal: differences.length === 0 && replay.divergences.length === 0, differences, tables, replay }
      },
      { isolationLevel: 'repeatable read', accessMode: 'read only' },
    )
  } finally {
    await scratch.close()
  }
}
