import { Doughnut } from 'react-chartjs-2'
import { health } from '../format.js'
import './charts.js'

/** The gauge's scale: health 0 to 3 (equity / maintenance margin); higher health fills it. */
const FULL_SCALE_BPS = 30_000

/** Health as a half-circle gauge: red below 1 (liquidatable), amber below 1.2, green above; ∞ fills it. */
export function HealthGauge({ healthValue, healthBps }: { healthValue: string | null; healthBps: string | null }) {
  const bps = healthBps === null ? FULL_SCALE_BPS : Math.min(Number(healthBps), FULL_SCALE_BPS)
  const colour = bps < 10_000 ? '#d64545' : bps < 12_000 ? '#e0a100' : '#2f9e5b'
  return (
    <div className="gauge" data-testid="health-gauge">
      <Doughnut
        data={{ datasets: [{ data: [bps, FULL_SCALE_BPS - bps], backgroundColor: [colour, '#e6e8ec'], borderWidth: 0 }] }}
        options={{ rotation: -90, circumference: 180, cutout: '70%', aspectRatio: 2, plugins: { tooltip: { enabled: false } } }}
      />
      <div className="value" data-testid="health">
        {health(healthValue)}
      </div>
    </div>
  )
}
