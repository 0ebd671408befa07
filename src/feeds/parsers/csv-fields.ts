/** RFC 4180 field splitting for one CSV line, lenient the way real feeds need. */

/**
 * Splits one line into fields. Quoted fields may contain the delimiter and `""` escapes;
 * whitespace before an opening quote is skipped (ThreatFox writes `", "`); unquoted fields are
 * trimmed. An unterminated quote runs to the end of the line (lenient: multi-line fields are not
 * supported in IOC feeds).
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

/** Picks the delimiter of a header line: comma unless the line only has tabs or semicolons. */
export function guessDelimiter(header: string): string {
  if (header.includes(',')) return ',';
  if (header.includes('\t')) return '\t';
  if (header.includes(';')) return ';';
  return ',';
}
