// the deployment steps the devnet shares with `unimargin deploy` live in @unimargin/deploy
export { confirm, type DeployContext, deployed } from '@unimargin/deploy'
