import { ArcElement, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js'

// the parts of Chart.js the dashboard draws with (tree-shaken: nothing else is bundled)
Chart.register(ArcElement, BarElement, CategoryScale, LinearScale, Tooltip, Legend)
// pages re-render every few seconds: no animation, so a screenshot shows the data
Chart.defaults.animation = false
