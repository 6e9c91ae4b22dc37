import { Bar } from 'react-chartjs-2'
import './charts.js'

/**
 * The portfolio engine's scenario P&L (USD per scenario, as `risk.scenarios` gives it), the worst scenario drawn in
 * red and named in the title.
 */
export function ScenarioChart({ scenarios, worst }: { scenarios: { name: string; pnlUsd: number }[]; worst: string | null }) {
  return (
    <div data-testid="scenario-chart">
      <p>
        Worst scenario: <strong data-testid="worst-scenario">{worst ?? 'none'}</strong>
      </p>
      <Bar
        data={{
          labels: scenarios.map((s) => s.name),
          datasets: [
            {
              label: 'P&L (USD)',
              data: scenarios.map((s) => s.pnlUsd),
              backgroundColor: scenarios.map((s) => (s.name === worst ? '#d64545' : s.pnlUsd < 0 ? '#e8a3a3' : '#8fd1a8')),
            },
          ],
        }}
        options={{ plugins: { legend: { display: false } }, scales: { x: { ticks: { autoSkip: false, maxRotation: 60 } } } }}
      />
    </div>
  )
}
