/**
 * Form bodies for the token endpoint, which Zoho accepts as urlencoded or multipart (WIRE.md A).
 * Only text fields are needed; file parts are ignored.
 */
export function parseForm(contentType: string | undefined, body: Buffer): Record<string, string> {
  const type = (contentType ?? '').toLowerCase();
  if (type.startsWith('multipart/form-data')) {
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? '');
    return boundary ? parseMultipart(body, (boundary[1] ?? boundary[2] ?? '').trim()) : {};
  }
  if (type === '' || type.startsWith('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(body.toString('utf8')));
  }
  return {};
}

function parseMultipart(body: Buffer, boundary: string): Record<string, string> {
  const fields: Record<string, string> = {};
  const parts = body.toString('utf8').split(`--${boundary}`);
  // parts[0] is the preamble; the last starts with "--" (the closing delimiter).
  for (const part of parts.slice(1)) {
    if (part.startsWith('--')) break;
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) continue;
    const headers = part.slice(0, split);
    const name = /content-disposition:[^\r\n]*\bname="([^"]*)"/i.exec(headers);
    if (!name || /\bfilename=/i.test(headers)) continue;
    fields[name[1]!] = part.slice(split + 4).replace(/\r\n$/, '');
  }
  return fields;
}
