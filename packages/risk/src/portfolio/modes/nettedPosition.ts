import type { InstrumentRisk } from '../instruments/instrumentRisk.js'

/** An account's net holding of one instrument: the sum of its positions in it, in units of the underlying (float). */
export type NettedPosition = { risk: InstrumentRisk; qty: number }
