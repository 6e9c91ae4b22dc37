import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { apiDocument, CLIENT_TYPES_FILE, renderClientTypes } from './clientTypes.js'

// Regenerates @unimargin/client's types from the API's OpenAPI document.
writeFileSync(CLIENT_TYPES_FILE, await renderClientTypes(await apiDocument()))
console.log(`Wrote ${fileURLToPath(CLIENT_TYPES_FILE)}`)
