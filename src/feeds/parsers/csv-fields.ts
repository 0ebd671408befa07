/** RFC 4180 field splitting for one CSV line, lenient the way real feeds need. */

/**
 * Splits one record into fields. Quoted fields may contain the delimiter, line breaks (a record the
 * parser joined from several lines, see csv.ts) and `""` escapes; whitespace before an opening quote
 * is skipped (ThreatFox writes `", "`); unquoted fields are trimmed. An unterminated quote runs to the
 * end of the text (lenient).
 */
export function splitCsvLine(line: string, delimiter = ','): string[] {
  const fields: string[] = [];
  const n = line.length;
  let i = 0;
  for (;;) {
    while (i < n && (line[i] === ' ' || line[i] === '\t') && line[i] !== delimiter) i++;
    if (i < n && line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) {
          value += line.slice(i);
          i = n;
          break;
        }
        value += line.slice(i, q);
        if (line[q + 1] === '"') {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      // skip anything between the closing quote and the next delimiter
      const d = line.indexOf(delimiter, i);
      fields.push(value);
      if (d < 0) return fields;
      i = d + 1;
    } else {
      const d = line.indexOf(delimiter, i);
      if (d < 0) {
        fields.push(line.slice(i).trim());
        return fields;
      }
      fields.push(line.slice(i, d).trim());
      i = d + 1;
    }
  }
}

/**
 * True when `line` ends inside a quoted field — by the same rules as {@link splitCsvLine}: a quote
 * opens a field only at its start (after blanks), `""` inside one is an escaped quote.
 */
export function endsInsideQuote(line: string, delimiter = ','): boolean {
  const n = line.length;
  let i = 0;
  for (;;) {
    while (i < n && (line[i] === ' ' || line[i] === '\t') && line[i] !== delimiter) i++;
    if (i < n && line[i] === '"') {
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return true;
        if (line[q + 1] !== '"') {
          i = q + 1;
          break;
        }
        i = q + 2;
      }
    }
    const d = line.indexOf(delimiter, i);
    if (d < 0) return false;
    i = d + 1;
  }
}

/** Picks the delimiter of a header line: comma unless the line only has tabs or semicolons. */
export function guessDelimiter(header: string): string {
  if (header.includes(',')) return ',';
  if (header.includes('\t')) return '\t';
  if (header.includes(';')) return ';';
  return ',';
}
