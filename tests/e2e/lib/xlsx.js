// Reads an XLSX file's first sheet as rows of text with Debian's python3-openpyxl, so the test
// checks the file a department would open, not the server's idea of it.
import { execFileSync } from 'node:child_process';

const SCRIPT = `
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
ws = wb.worksheets[0]
rows = [["" if c is None else str(c) for c in row] for row in ws.iter_rows(values_only=True)]
print(json.dumps(rows, ensure_ascii=False))
`;

export function readXlsx(file) {
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', SCRIPT, file], { encoding: 'utf8' }));
}

// The header row (the first row holding `firstHeader`) and the data rows below it.
export function table(rows, firstHeader) {
  const at = rows.findIndex((r) => r.includes(firstHeader));
  if (at < 0) throw new Error(`no header row with ${firstHeader}: ${JSON.stringify(rows.slice(0, 3))}`);
  const header = rows[at];
  const data = rows.slice(at + 1).filter((r) => r.some((c) => c !== ''));
  return { header, data, before: rows.slice(0, at) };
}

// The same sheet's cells as the type openpyxl reads them ("int", "float", "str", "NoneType"…),
// so a test can tell a number stored as a number from digits stored as text.
const TYPES = `
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
ws = wb.worksheets[0]
print(json.dumps([[type(c).__name__ for c in row] for row in ws.iter_rows(values_only=True)]))
`;

export function readXlsxTypes(file) {
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', TYPES, file], { encoding: 'utf8' }));
}
