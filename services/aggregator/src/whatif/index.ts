export { type MarginSummary, UnknownInstrumentError, type WhatIfChange, whatIf } from './whatIf.js'
