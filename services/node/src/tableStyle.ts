import pc from 'picocolors'

/**
 * The `style` of a cli-table3 table: its default colours (red headers, grey borders) only where colour is wanted
 * (picocolors' `isColorSupported`: standard output is a terminal, `NO_COLOR` unset, or `FORCE_COLOR` set), none when
 * the output is piped or captured, so logs and files hold no escape codes.
 */
export function tableStyle(): { style?: { head: string[]; border: string[] } } {
  return pc.isColorSupported ? {} : { style: { head: [], border: [] } }
}
