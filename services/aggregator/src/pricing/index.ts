export { loadPriceBook, type PriceBook, type PriceQuote, type ValuationBlock } from './priceBook.js'
