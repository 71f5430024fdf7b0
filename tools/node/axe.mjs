// Run axe-core's WCAG 2.x A and AA rules over HTML files in jsdom, in one node process.
// Usage: node axe.mjs FILE...  Prints one JSON array of {file, violations: [{id, help, targets}]}.
// jsdom does no layout, so axe reports colour contrast as "incomplete", never as passed.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { JSDOM, VirtualConsole } from 'jsdom'

const require = createRequire(import.meta.url)
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']

const results = []
for (const file of process.argv.slice(2)) {
  const dom = new JSDOM(readFileSync(file, 'utf8'), { runScripts: 'outside-only', pretendToBeVisual: true, virtualConsole: new VirtualConsole() })
  dom.window.eval(axeSource)
  const report = await dom.window.axe.run(dom.window.document, { runOnly: { type: 'tag', values: TAGS }, resultTypes: ['violations'] })
  results.push({
    file,
    rules: report.passes.length + report.violations.length + report.incomplete.length,
    violations: report.violations.map((v) => ({ id: v.id, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) })),
  })
  dom.window.close()
}
process.stdout.write(JSON.stringify(results))
