package dev.tandem.store.jdbc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a lock file beside a SQLite store ({@code tandem.db.lock}), held while the store is open, so
 * that a second Tandem on the same files fails at start instead of running two flow runtimes over one event log
 * (each would process every event: duplicates in Salesforce).
 *
 * <p>The lock is an operating-system lock ({@link FileChannel#tryLock()}), not the file's existence: the OS drops it
 * when the holder's process dies, so a lock file left behind by a crash or a {@code kill -9} never blocks a
 * restart. The file is kept on release (deleting it would race with a process that has just opened it). Inside one
 * JVM the JDK refuses a second lock on the same file with {@link OverlappingFileLockException}, which means the
 * same thing here: another {@link JdbcStores} holds the store.
 *
 * <p>The holder's process id is written into the file, for the operator who finds it.
 */
final class StoreLock implements AutoCloseable {

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private StoreLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock file of a store file: its name with {@code .lock} appended. */
    static Path lockFile(Path storeFile) {
        return storeFile.resolveSibling(storeFile.getFileName() + ".lock");
    }

    /**
     * Takes the lock of {@code storeFile} or fails at once (no waiting: a second Tandem should not start half-way).
     *
     * @throws StoreException when another process, or another {@link JdbcStores} of this JVM, holds it
     */
    static StoreLock acquire(Path storeFile) {
        Path file = lockFile(storeFile);
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new StoreException("Cannot open the lock file " + file + " of the store " + storeFile + ": "
                    + e.getMessage(), e);
        }
        try {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new StoreException("The store " + storeFile + " is in use by another Tandem (lock file " + file
                        + "); stop it first, or give this one another store.path", null);
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            return new StoreLock(file, channel, lock);
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            if (e instanceof StoreException store) {
                throw store;
            }
            throw new StoreException("Cannot lock " + file + ": " + e.getMessage(), e);
        }
    }

    Path file() {
        return file;
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // Closing the channel below releases it too.
        } finally {
            closeQuietly(channel);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // Nothing to do: the lock goes with the channel or the process.
        }
    }
}
