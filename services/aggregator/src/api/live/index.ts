export { type AccountFeed, createAccountFeed, type FeedMessage, type Subscriber } from './accountFeed.js'
export { type AccountViewLoader, accountViewLoader, type ServedAccountView } from './accountViewLoader.js'
export { createLiveAccounts, type LiveAccounts, type LiveAccountsParameters } from './liveAccounts.js'
export { createViewCache, etagOf, type ServedView, type ViewCache } from './viewCache.js'
