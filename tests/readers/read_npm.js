// Read every CSV table of a package with the npm `datapackage` (Data Package v1).
//
// Run by test_readers.py with the node_modules that scripts/readers installs:
// `node read_npm.js PACKAGE_DIR`. Prints JSON like read_v1.py: whether the
// package is valid, and per table its rows, each cell tagged with the type the
// reader gave it, or the error it raised.
'use strict';

const path = require('path');
const { Package } = require('datapackage');

function pad(n, width) {
  return String(n).padStart(width, '0');
}

function tag(value) {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) {
    // tableschema-js casts a date to local midnight: read it back in local time.
    const time = [value.getHours(), value.getMinutes(), value.getSeconds(), value.getMilliseconds()];
    const date = `${pad(value.getFullYear(), 4)}-${pad(value.getMonth() + 1, 2)}-${pad(value.getDate(), 2)}`;
    return time.every((t) => t === 0) ? { date } : { datetime: value.toISOString() };
  }
  if (typeof value === 'number') return { number: value };
  if (typeof value === 'string') return { str: value };
  if (typeof value === 'boolean') return { bool: value };
  return { other: Object.prototype.toString.call(value), repr: JSON.stringify(value) };
}

async function main() {
  const dir = process.argv[2];
  const pkg = await Package.load(path.join(dir, 'datapackage.json'));
  const out = {
    reader: 'npm-datapackage',
    version: require('datapackage/package.json').version,
    node: process.version,
    valid: pkg.valid,
    errors: pkg.errors.map((e) => e.message).slice(0, 20),
    tables: {},
  };
  for (const res of pkg.resources) {
    if (res.descriptor.format !== 'csv') continue;
    if (!res.tabular) {
      out.tables[res.name] = { error: 'not read as a table' };
      continue;
    }
    try {
      const rows = await res.read({ keyed: true });
      out.tables[res.name] = {
        rows: rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, tag(v)]))),
      };
    } catch (error) {
      const details = (error.errors || []).map((e) => e.message);
      out.tables[res.name] = { error: [error.message, ...details].join(' / ').slice(0, 2000) };
    }
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch((error) => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exit(2);
});
