package io.turngate.config.load;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real files in a temp dir; every wait is bounded (5 s for an expected callback). */
class ConfigWatcherTest {
    private static final long WAIT_SECONDS = 5;
    /** Poll faster than the 1 s default so the suite stays quick; inotify usually fires first anyway. */
    private static final Duration POLL = Duration.ofMillis(200);

    @TempDir
    Path dir;

    private final BlockingQueue<String> contents = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> problems = new LinkedBlockingQueue<>();
    private ConfigWatcher watcher;

    @AfterEach
    void stop() {
        if (watcher != null) {
            watcher.close();
        }
    }

    private ConfigWatcher watch(Path file) {
        watcher = new ConfigWatcher(file, contents::add, problems::add, POLL);
        return watcher;
    }

    private String next() throws InterruptedException {
        String s = contents.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(s, "no callback within " + WAIT_SECONDS + " s");
        return s;
    }

    /** No further callback for a little more than two poll rounds. */
    private void assertQuiet() throws InterruptedException {
        assertNull(contents.poll(POLL.toMillis() * 3, TimeUnit.MILLISECONDS));
    }

    @Test
    void deliversInitialContentThenInPlaceWrites() throws Exception {
        Path f = dir.resolve("stunnerd.conf");
        Files.writeString(f, "one");
        watch(f).start();
        assertEquals("one", next());
        Files.writeString(f, "two");
        assertEquals("two", next());
        Files.writeString(f, "three, longer than before");
        assertEquals("three, longer than before", next());
    }

    @Test
    void unchangedContentIsNotDeliveredAgain() throws Exception {
        Path f = dir.resolve("stunnerd.conf");
        Files.writeString(f, "same");
        watch(f).start();
        assertEquals("same", next());
        Files.writeString(f, "same"); // modify event, same bytes
        assertQuiet();
    }

    @Test
    void baselineIsNotDelivered() throws Exception {
        Path f = dir.resolve("stunnerd.conf");
        Files.writeString(f, "known");
        watch(f).start("known");
        assertQuiet();
        Files.writeString(f, "changed");
        assertEquals("changed", next());
    }

    @Test
    void replaceByRename() throws Exception {
        Path f = dir.resolve("stunnerd.conf");
        Files.writeString(f, "v1");
        watch(f).start();
        assertEquals("v1", next());
        Path tmp = dir.resolve(".stunnerd.conf.tmp");
        Files.writeString(tmp, "v2");
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        assertEquals("v2", next());
        Files.writeString(f, "v3"); // the new inode is watched too
        assertEquals("v3", next());
    }

    @Test
    void deleteThenRecreate() throws Exception {
        Path f = dir.resolve("stunnerd.conf");
        Files.writeString(f, "before");
        watch(f).start();
        assertEquals("before", next());
        Files.delete(f);
        String p = problems.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(p, "removal reported");
        assertTrue(p.contains("missing"), p);
        assertQuiet();
        Files.writeString(f, "after");
        assertEquals("after", next());
    }

    @Test
    void missingAtStartIsWaitedFor() throws Exception {
        Path f = dir.resolve("later.conf");
        watch(f).start();
        assertNotNull(problems.poll(WAIT_SECONDS, TimeUnit.SECONDS));
        Files.writeString(f, "arrived");
        assertEquals("arrived", next());
    }

    @Test
    void configMapSymlinkSwap() throws Exception {
        // kubelet layout: stunnerd.conf -> ..data/stunnerd.conf, ..data -> ..2026_01_01_00_00_00.1
        Path v1 = Files.createDirectory(dir.resolve("..2026_01_01_00_00_00.1"));
        Files.writeString(v1.resolve("stunnerd.conf"), "config-1");
        Files.createSymbolicLink(dir.resolve("..data"), v1.getFileName());
        Path f = dir.resolve("stunnerd.conf");
        Files.createSymbolicLink(f, Path.of("..data", "stunnerd.conf"));
        watch(f).start();
        assertEquals("config-1", next());

        // update: new timestamped dir, ..data_tmp -> it, rename ..data_tmp over ..data, remove the old dir
        Path v2 = Files.createDirectory(dir.resolve("..2026_01_01_00_05_00.2"));
        Files.writeString(v2.resolve("stunnerd.conf"), "config-2");
        Path tmpLink = Files.createSymbolicLink(dir.resolve("..data_tmp"), v2.getFileName());
        Files.move(tmpLink, dir.resolve("..data"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.delete(v1.resolve("stunnerd.conf"));
        Files.delete(v1);
        assertEquals("config-2", next());
        assertTrue(problems.isEmpty(), "the swap is atomic: the file never looked missing " + problems);
    }

    @Test
    void symlinkIntoAnotherDirectoryIsPolled() throws Exception {
        Path other = Files.createDirectory(dir.resolve("elsewhere"));
        Path target = other.resolve("real.conf");
        Files.writeString(target, "a");
        Path watched = Files.createDirectory(dir.resolve("etc"));
        Path f = Files.createSymbolicLink(watched.resolve("stunnerd.conf"), target);
        watch(f).start();
        assertEquals("a", next());
        Files.writeString(target, "b"); // no event in etc/, only the poll sees it
        assertEquals("b", next());
    }

    @Test
    void closeStopsCallbacks() throws Exception {
        Path f = dir.resolve("stunnerd.conf");
        Files.writeString(f, "x");
        ConfigWatcher w = watch(f);
        w.start();
        assertEquals("x", next());
        assertTrue(w.isRunning());
        w.close();
        assertFalse(w.isRunning());
        Files.writeString(f, "y");
        assertQuiet();
        w.close(); // idempotent
    }
}
