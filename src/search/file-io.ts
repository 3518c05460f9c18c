import fs from 'node:fs';

/** The file opened for reading, or null when it cannot be (a missing cache file is rebuilt, not an error). */
export async function openForReading(file: string): Promise<fs.promises.FileHandle | null> {
  try {
    return await fs.promises.open(file, 'r');
  } catch {
    return null;
  }
}

/** Fills `bytes` from the file at `position`, reading again after a short read; throws at the file's end. */
export async function readFully(handle: fs.promises.FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  for (let done = 0; done < bytes.length;) {
    const { bytesRead } = await handle.read(bytes, done, bytes.length - done, position + done);
    if (bytesRead === 0) throw new RangeError('truncated');
    done += bytesRead;
  }
}

/** Writes all of `bytes` at the file's current position, writing again after a short write. */
export function writeFullySync(fd: number, bytes: Uint8Array): void {
  for (let done = 0; done < bytes.length;) done += fs.writeSync(fd, bytes, done, bytes.length - done);
}

/** Writes all of `bytes` at `position`, writing again after a short write. */
export async function writeFully(handle: fs.promises.FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  for (let done = 0; done < bytes.length;) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, position + done);
    done += bytesWritten;
  }
}
