/** Types of the part of `fmin` (benfred/fmin, BSD-3-Clause) used here: its Nelder-Mead downhill simplex. */
declare module 'fmin' {
  export type NelderMeadParameters = {
    maxIterations?: number
    nonZeroDelta?: number
    zeroDelta?: number
    minErrorDelta?: number
    minTolerance?: number
  }
  export type NelderMeadResult = { fx: number; x: number[] }
  const fmin: { nelderMead(f: (x: number[]) => number, x0: number[], parameters?: NelderMeadParameters): NelderMeadResult }
  export default fmin
}
