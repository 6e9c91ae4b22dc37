export { signPublishedMessages, signTestVaa, type TestVaaParams, vaaBody, vaaDigest } from './vaa.js'
