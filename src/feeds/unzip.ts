/**
 * ZIP-wrapped feeds, read as a stream (abuse.ch ships its full URLhaus and ThreatFox exports as one
 * CSV in a ZIP archive). fflate's streaming `Unzip` walks the local file headers as the bytes arrive,
 * so a big archive is never held in memory; every file in it is read in order, a line break put
 * between two files when the first does not end in one. Stored and deflated files are read; any
 * other compression method, an encrypted archive (its first file's flag), a damaged or truncated
 * archive, or one without a file is a FeedError that names the problem.
 */
import { Unzip, UnzipInflate, type UnzipFile } from 'fflate';
import { FeedError } from '../errors.js';

/** Compression methods fflate's stream reads (PKWARE APPNOTE 4.4.5): stored and deflate. */
const READ_METHODS = new Set([0, 8]);

/** The bytes of every file in the ZIP archive `input`, in order (see the module comment). */
export async function* unzipped(input: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const out: Buffer[] = [];
  let failure: FeedError | undefined;
  let files = 0;
  let open: { name: string; done: boolean } | undefined;
  let lastByte = 10;
  const unzip = new Unzip((file: UnzipFile) => {
    // Folders are entries too (names ending in `/`): nothing to read.
    if (file.name.endsWith('/')) return;
    if (!READ_METHODS.has(file.compression)) {
      failure ??= new FeedError(
        `ZIP file ${file.name} uses compression method ${file.compression}; only stored and deflate are read`,
      );
      return;
    }
    const entry = { name: file.name, done: false };
    if (open !== undefined && !open.done) failure ??= truncated(open.name);
    open = entry;
    // A file that does not end in a line break must not run into the next file's first line.
    if (files > 0 && lastByte !== 10) out.push(Buffer.from('\n'));
    files++;
    file.ondata = (err, data, final) => {
      if (err) {
        failure ??= new FeedError(
          `ZIP file ${file.name} cannot be read (${err.message}): damaged or encrypted`,
        );
        return;
      }
      if (data.length > 0) {
        out.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
        lastByte = data[data.length - 1] ?? lastByte;
      }
      if (final) entry.done = true;
    };
    file.start();
  });
  unzip.register(UnzipInflate);

  const drain = function* (): Generator<Buffer> {
    if (failure !== undefined) throw failure;
    for (const chunk of out.splice(0)) yield chunk;
  };
  let first = true;
  try {
    for await (const chunk of input) {
      // Encryption shows only in the header's flags (fflate would read ciphertext as data): the first
      // file's is checked; feeds are one file.
      if (
        first &&
        chunk.length >= 8 &&
        chunk.readUInt32LE(0) === 0x04034b50 &&
        (chunk.readUInt16LE(6) & 1) !== 0
      )
        throw new FeedError('the ZIP archive is encrypted: iocwall reads only unencrypted archives');
      first = false;
      unzip.push(chunk, false);
      yield* drain();
    }
    unzip.push(new Uint8Array(0), true);
  } catch (err) {
    if (err instanceof FeedError) throw err;
    throw new FeedError(`damaged or truncated ZIP archive (${(err as Error).message})`, undefined, {
      cause: err,
    });
  }
  yield* drain();
  if (open !== undefined && !open.done) throw truncated(open.name);
  if (files === 0) throw new FeedError('the ZIP archive holds no file');
}

function truncated(name: string): FeedError {
  return new FeedError(`ZIP file ${name} ends early: the archive is truncated`);
}
