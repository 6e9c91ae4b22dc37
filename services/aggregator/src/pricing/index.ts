export { loadPriceBook, type PriceBook, priceBookOf, type PriceQuote, type ValuationBlock } from './priceBook.js'
