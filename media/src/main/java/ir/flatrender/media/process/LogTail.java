package ir.flatrender.media.process;

import java.util.ArrayDeque;
import java.util.List;

/** The last lines a process printed, bounded in count; written by the drain threads. */
final class LogTail {
    private final int capacity;
    private final ArrayDeque<String> lines;

    LogTail(int capacity) {
        this.capacity = capacity;
        this.lines = new ArrayDeque<>(capacity);
    }

    synchronized void add(String line) {
        if (lines.size() == capacity) {
            lines.removeFirst();
        }
        lines.addLast(line);
    }

    synchronized List<String> snapshot() {
        return List.copyOf(lines);
    }
}
