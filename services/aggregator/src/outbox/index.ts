export { type CommandBody, commandIdOf, writeCommand, type WriteCommandParameters } from './writeCommand.js'
