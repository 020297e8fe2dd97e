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
